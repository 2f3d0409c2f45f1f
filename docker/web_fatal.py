"""supervisord event listener of docker/web.conf: a daphne process that cannot
be started at all (FATAL) stops supervisord, so the container exits and
Docker restarts it, rather than running on with nothing serving the port.

The protocol: say READY, read one event (a header line, then `len` bytes),
answer with a result, and again."""

import os
import signal
import sys


def main() -> None:
    while True:
        sys.stdout.write("READY\n")
        sys.stdout.flush()
        header = dict(token.split(":", 1) for token in sys.stdin.readline().split())
        sys.stdin.read(int(header["len"]))
        if header["eventname"] == "PROCESS_STATE_FATAL":
            sys.stderr.write("web: a daphne process cannot start; stopping supervisord\n")
            sys.stderr.flush()
            os.kill(os.getppid(), signal.SIGTERM)
        sys.stdout.write("RESULT 2\nOK")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
