"""docker/web.conf: the web service as several daphne processes behind one
socket, started as the production image starts it: each process takes its
share of the connections."""

import os
import socket

import pytest

from tests.daphne import daphne_processes, running_web

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
        pids = daphne_processes(supervisord)
        assert len(pids) == 2
        port = int(base.rsplit(":", 1)[1])
        connections = []
        try:
            for _ in range(40):
                conn = socket.create_connection(("127.0.0.1", port), timeout=10)
                conn.sendall(b"GET /healthz/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
                assert conn.recv(4096).startswith(b"HTTP/1.1 200")
                connections.append(conn)
            inodes, owners = _server_side_inodes(port), _socket_owner(pids)
            served = [owners.get(inodes.get(c.getsockname()[1])) for c in connections]
        finally:
            for conn in connections:
                conn.close()
    assert set(served) == set(pids), served
