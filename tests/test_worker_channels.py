"""Issue 14: the LibreOffice workers take commands only from docgen's own user.

A worker listens on no network port; its request socket and LibreOffice's UNO pipes are Unix
sockets that only the owner can connect to, the request socket inside a 0700 directory.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from docgen.converter import SOCKET_NAME, process_group, socket_inodes

OTHER_USER = "nobody"


def listening_tcp_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    return inodes


def channels(pool) -> list[Path]:
    worker = pool._workers[0]
    return [worker.home / SOCKET_NAME, *map(Path, (worker.home / "pipes").read_text().split())]


def test_a_worker_listens_on_no_network_port(pool):
    for pid in pool.worker_pids():
        assert not socket_inodes(process_group(pid)) & listening_tcp_inodes()


def test_a_workers_sockets_and_directory_are_its_owners_alone(pool):
    home = pool._workers[0].home
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    found = channels(pool)
    assert any(path.name.startswith("OSL_PIPE_") for path in found)  # LibreOffice's UNO pipe, in /tmp
    for path in found:
        mode = path.stat().st_mode
        assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) & 0o077 == 0, (path, oct(mode))
        assert path.stat().st_uid == os.getuid()


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to another local user needs root")
def test_another_local_user_cannot_connect_to_a_worker(pool):
    probe = (
        "import socket, sys\n"
        "for path in sys.argv[1:]:\n"
        "    s = socket.socket(socket.AF_UNIX)\n"
        "    try:\n"
        "        s.connect(path)\n"
        "        print('connected', path)\n"
        "    except PermissionError:\n"
        "        print('refused', path)\n"
    )
    paths = [str(p) for p in channels(pool)]
    result = subprocess.run(["runuser", "-u", OTHER_USER, "--", "/usr/bin/python3", "-c", probe, *paths],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:-1] == [f"refused {p}" for p in paths]
