"""`make run` tried as a new user would: from a fresh clone, with nothing set.

Clones the committed tree, runs `make run` on a free port, logs in over HTTP
as the demo clerk, files a ticket, sees it, then stops the server with Ctrl-C
(SIGINT) and checks that nothing is left running. Exits non-zero on failure.
Used by .ci/run; run it by hand with `.venv/bin/python tests/smoke_make_run.py`.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 900


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    page.raise_for_status()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="servicedesk-smoke-"))
    clone = workdir / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    log = open(workdir / "make-run.log", "w")  # noqa: SIM115 — kept open for the child
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}", "DEMO_TICKETS=200"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                raise RuntimeError("make run exited early")
            try:
                if requests.get(f"{base}/accounts/login/", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not come up")
            time.sleep(2)

        session = requests.Session()
        token = csrf(session, f"{base}/accounts/login/")
        login = session.post(
            f"{base}/accounts/login/",
            data={
                "username": "kd_reporter",
                "password": "Ganzi@2026",
                "csrfmiddlewaretoken": token,
            },
            timeout=30,
        )
        assert login.url.rstrip("/").endswith("/tickets"), f"login failed: {login.url}"
        new = session.get(f"{base}/tickets/new/", timeout=30).text
        subsystem = re.search(r'<option value="(\d+)"[^>]*>电子证照管理系统', new).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', new).group(1)
        filed = session.post(
            f"{base}/tickets/new/",
            data={
                "csrfmiddlewaretoken": token,
                "subsystem": subsystem,
                "category": "fault",
                "priority": "3",
                "title": "冒烟测试：电子证照无法制作",
                "description": "从全新克隆运行 make run 后提交的工单。",
            },
            files={"attachments": ("shot.txt", "日志内容".encode(), "text/plain")},
            timeout=30,
        )
        assert re.search(r"/tickets/\d+/$", filed.url), f"filing failed: {filed.status_code}"
        assert "冒烟测试：电子证照无法制作" in filed.text
        listing = session.get(f"{base}/tickets/", timeout=30).text
        assert "冒烟测试：电子证照无法制作" in listing
        print(f"smoke: logged in, filed {filed.url}")
    except Exception as error:  # report any failure with the server log
        log.flush()
        print(f"smoke test failed: {error}\n--- make run log ---")
        print((workdir / "make-run.log").read_text()[-6000:])
        os.killpg(server.pid, signal.SIGKILL)
        return 1
    os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        print("smoke test failed: make run did not stop on Ctrl-C")
        return 1
    leftovers = subprocess.run(
        ["pgrep", "-f", f"-p {port} helpdesk_site"], capture_output=True, text=True
    ).stdout.strip()
    if leftovers:
        print(f"smoke test failed: processes left running: {leftovers}")
        return 1
    print("smoke: make run stopped cleanly on Ctrl-C")
    shutil.rmtree(workdir, ignore_errors=True)
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
