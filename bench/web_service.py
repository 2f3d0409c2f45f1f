"""The web service as the production image runs it (docker/web.conf:
supervisord with daphne processes behind one socket), started on this
machine: for `bench/chat_load.py --one-socket` and the tests."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def start(processes: int, port: int, application: str, run_dir, env: dict, **popen):
    """supervisord with docker/web.conf: `processes` daphne processes serving
    `application` on 127.0.0.1:`port`, over `env`. Returns the Popen."""
    web = {
        **env,
        "WEB_PROCESSES": str(processes),
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_APPLICATION": application,
        "WEB_RUN_DIR": str(run_dir),
        # Where supervisord finds daphne and python: beside this Python.
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    }
    return subprocess.Popen(
        [BIN / "supervisord", "-c", ROOT / "docker/web.conf"], cwd=ROOT, env=web, **popen
    )


def daphne_pids(supervisord) -> list[int]:
    """The daphne processes supervisord has started so far (Linux /proc);
    its event listener is a child too."""
    children = Path(f"/proc/{supervisord.pid}/task/{supervisord.pid}/children").read_text()
    return [
        int(pid)
        for pid in children.split()
        if b"daphne" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
