"""A mosquitto broker as a child process: for `hallctl up`, the tests and benchmarks.

With passwords on, the network listener replaces every client id with the
client's username (``use_username_as_clientid``): nobody can take over another
user's session by choosing its client id. On-box tools (hallctl, which may run
several at once as one user) connect over a Unix socket in a folder only the
hallkit user can open, where client ids are free.
"""

from __future__ import annotations

import asyncio
import getpass
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from hallkit.contract.envelope import MAX_PAYLOAD
from hallkit.runtime.orphans import die_with_parent

SOCKET_PATH_MAX = 100  # AF_UNIX paths end at 107 bytes


def find_mosquitto() -> str:
    path = shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.path.exists(p)), None)
    if not path:
        raise RuntimeError("mosquitto is not installed: run `bash scripts/bootstrap demo` "
                           "(or apt-get install mosquitto)")
    return path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def access_lines(host: str, port: int, password_file: Path | None, acl_file: Path | None,
                 ops_socket: Path | None, tls: tuple[Path, Path, Path] | None = None) -> list[str]:
    """Listeners and access rules hallkit's bus security rests on, for the embedded broker
    and for a hall's own mosquitto (`hallctl broker acl` writes them to a file). With
    ``tls`` (CA, server certificate, key) the one network listener speaks TLS only, on every
    interface: kiosk PCs and tablets reach it over the hall's network."""
    lines = [f"listener 0 {ops_socket}"] if ops_socket else []
    lines.append(f"listener {port}" if tls else f"listener {port} {host}")
    if password_file:  # applies to the listener above: client id := username
        lines.append("use_username_as_clientid true")
    if tls:
        ca, cert, key = tls
        lines += [f"cafile {ca}", f"certfile {cert}", f"keyfile {key}", "tls_version tlsv1.2"]
    lines += [f"allow_anonymous {'false' if password_file else 'true'}",
              f"message_size_limit {MAX_PAYLOAD}"]
    lines += [f"password_file {password_file}"] if password_file else []
    lines += [f"acl_file {acl_file}"] if acl_file else []
    return lines


class Mosquitto:
    """One broker in ``workdir``: config, persistence and log live there."""

    def __init__(self, workdir: Path, *, host: str = "127.0.0.1", port: int = 0,
                 password_file: Path | None = None, acl_file: Path | None = None,
                 tls: tuple[Path, Path, Path] | None = None) -> None:
        self.workdir = Path(workdir)
        self.host = host
        self.port = port or free_port(host)
        self.password_file = password_file
        self.acl_file = acl_file
        self.tls = tls  # (CA file, server certificate, server key) for a TLS listener
        self.proc: subprocess.Popen | None = None
        self.ops_socket: Path | None = self.workdir / "ops.sock" if password_file else None
        self._socket_dir: Path | None = None  # a short private folder when workdir's is too long

    @property
    def conf_path(self) -> Path:
        return self.workdir / "mosquitto.conf"

    @property
    def log_path(self) -> Path:
        return self.workdir / "mosquitto.log"

    def write_conf(self) -> Path:
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "data").mkdir(exist_ok=True)
        lines = ["# written by hallkit; edits are overwritten at the next start"]
        if self.ops_socket and len(str(self.ops_socket)) > SOCKET_PATH_MAX:
            self._socket_dir = Path(tempfile.mkdtemp(prefix="hallkit-mqtt-"))
            self.ops_socket = self._socket_dir / "ops.sock"
        if self.ops_socket:
            self.ops_socket.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.ops_socket.parent.chmod(0o700)  # the socket is for the hallkit user alone
            self.ops_socket.unlink(missing_ok=True)
        lines += access_lines(self.host, self.port, self.password_file, self.acl_file,
                              self.ops_socket, self.tls)
        lines += [
            "persistence true",
            f"persistence_location {self.workdir / 'data'}/",
            "autosave_interval 5",
            "persistent_client_expiration 14d",
            "max_queued_messages 100000",  # commands for a restarting daemon are kept
            "max_inflight_messages 200",
            "set_tcp_nodelay true",  # without it Nagle + delayed ACK add ~40 ms per hop
            f"log_dest file {self.log_path}",
            "log_type error", "log_type warning", "log_type notice",
            "connection_messages false",
            f"user {getpass.getuser()}",
        ]
        self.conf_path.write_text("\n".join(lines) + "\n")
        return self.conf_path

    def start(self, timeout: float = 10.0) -> int:
        """Start (or restart on the same port) and wait until it accepts connections."""
        self.spawn()
        deadline = time.monotonic() + timeout
        while not self._up_by(deadline):
            time.sleep(0.02)
        return self.port

    async def start_async(self, timeout: float = 10.0) -> int:
        """``start`` without blocking the event loop (the supervisor's)."""
        self.spawn()
        deadline = time.monotonic() + timeout
        while not self._up_by(deadline):
            await asyncio.sleep(0.02)
        return self.port

    def _up_by(self, deadline: float) -> bool:
        """Listening now; RuntimeError (and stopped) once ``deadline`` has passed without."""
        if self.listening():
            return True
        if time.monotonic() >= deadline:
            self.stop()
            raise RuntimeError(f"mosquitto did not listen on {self.host}:{self.port} in time")
        return False

    def spawn(self) -> None:
        """The broker process, started from the caller's thread (it dies with that thread's
        process: see hallkit.runtime.orphans)."""
        self.write_conf()
        self.proc = subprocess.Popen([find_mosquitto(), "-c", str(self.conf_path)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True, preexec_fn=die_with_parent())

    def listening(self) -> bool:
        """Accepting connections now; RuntimeError (with its words) if it exited instead."""
        if self.proc is not None and self.proc.poll() is not None:
            err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
            tail = self.log_path.read_text()[-600:] if self.log_path.exists() else ""
            raise RuntimeError(f"mosquitto exited with {self.proc.returncode}: {err}{tail}")
        try:
            with socket.create_connection((self.host, self.port), timeout=0.05):
                return True
        except OSError:
            return False

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM (mosquitto saves its persistence file), then SIGKILL if it lingers."""
        if self.running:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._socket_dir:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
