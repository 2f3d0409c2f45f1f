"""`make run`: daphne in the foreground and a Celery worker (with beat) beside it.

Ctrl-C (or SIGTERM) is passed on to both once; whatever has not stopped after
a grace period is killed, so nothing is left running.

    python -m helpdesk_site.run_embedded --host 127.0.0.1 --port 8000
"""

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_SECONDS = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    children = [
        subprocess.Popen(
            [
                str(bin_dir / "celery"),
                "-A",
                "helpdesk_site",
                "worker",
                "--beat",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
            ],
            start_new_session=True,
        ),
        subprocess.Popen(
            [
                str(bin_dir / "daphne"),
                "-b",
                args.host,
                "-p",
                str(args.port),
                "helpdesk_site.asgi:application",
            ],
            start_new_session=True,
        ),
    ]
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # If either child dies on its own, stop the other one too.
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.5)
    stop(None, None)
    for child in children:
        try:
            child.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
