"""docker/web.conf: the web service as several daphne processes behind one
socket, started from the file the production image starts: each process
takes connections, and a daphne that cannot start ends supervisord."""

import os
import socket
import subprocess
import time

import pytest

from bench import web_service
from tests.daphne import free_port, running_web

pytestmark = pytest.mark.django_db(transaction=True)


def _socket_owner(pids) -> dict[str, int]:
    """Socket inode -> the process holding it."""
    owners = {}
    for pid in pids:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                owners[target[8:-1]] = pid
    return owners


def _server_side_inodes(port) -> dict[int, str]:
    """Client port -> inode of the server's end of that connection (/proc/net/tcp)."""
    inodes = {}
    for line in open("/proc/net/tcp").read().splitlines()[1:]:  # noqa: SIM115
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if int(local.split(":")[1], 16) == port:
            inodes[int(remote.split(":")[1], 16)] = inode
    return inodes


def test_two_daphne_processes_share_one_port(tmp_path):
    env = {"SECRET_KEY": "web-" + "k" * 60, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    with running_web(tmp_path, env, processes=2) as (base, supervisord):
        pids = web_service.daphne_pids(supervisord)
        assert len(pids) == 2
        port = int(base.rsplit(":", 1)[1])
        connections, served = [], set()
        # The processes race to accept: connect until both have taken one.
        deadline = time.monotonic() + 60
        try:
            while served != set(pids) and time.monotonic() < deadline:
                conn = socket.create_connection(("127.0.0.1", port), timeout=10)
                conn.sendall(b"GET /healthz/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
                assert conn.recv(4096).startswith(b"HTTP/1.1 200")
                connections.append(conn)
                inodes, owners = _server_side_inodes(port), _socket_owner(pids)
                served.add(owners.get(inodes.get(conn.getsockname()[1])))
        finally:
            for conn in connections:
                conn.close()
    assert served == set(pids)


def test_a_daphne_that_cannot_start_stops_supervisord(tmp_path):
    # Then the container exits and Docker restarts it, rather than running on
    # with nothing serving the port.
    supervisord = web_service.start(
        2,
        free_port(),
        "helpdesk_site.no_such_module:application",
        tmp_path,
        dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = supervisord.communicate(timeout=120)
    finally:
        supervisord.kill()
    assert "gave up: web0 entered FATAL state" in output or "gave up: web1" in output
    assert "a daphne process cannot start; stopping supervisord" in output
