"""sd_notify over a real datagram socket, as systemd would listen."""

import os
import socket

from hallkit.runtime.sdnotify import Notifier


def listen(tmp_path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = str(tmp_path / "notify")
    sock.bind(path)
    sock.settimeout(2)
    return sock, path


def test_ready_watchdog_stopping_reach_the_socket(tmp_path):
    sock, path = listen(tmp_path)
    n = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "4000000"})
    assert n.watchdog_interval == 2.0
    assert n.ready("online")
    assert sock.recv(100) == b"READY=1\nSTATUS=online"
    assert n.watchdog()
    assert sock.recv(100) == b"WATCHDOG=1"
    assert n.stopping()
    assert sock.recv(100) == b"STOPPING=1"


def test_abstract_socket_names(tmp_path):
    name = f"hallkit-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(2)
    assert Notifier({"NOTIFY_SOCKET": "@" + name}).ready()
    assert sock.recv(100) == b"READY=1"


def test_silent_without_systemd():
    n = Notifier({})
    assert not n.enabled and not n.ready() and n.watchdog_interval is None


def test_watchdog_meant_for_another_process_is_ignored():
    assert Notifier({"NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"}) \
        .watchdog_interval is None
