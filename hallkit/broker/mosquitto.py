"""A mosquitto broker as a child process: for `hallctl up`, the tests and benchmarks."""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path


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

    @property
    def conf_path(self) -> Path:
        return self.workdir / "mosquitto.conf"

    @property
    def log_path(self) -> Path:
        return self.workdir / "mosquitto.log"

    def write_conf(self) -> Path:
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "data").mkdir(exist_ok=True)
        lines = [
            "# written by hallkit; edits are overwritten at the next start",
            f"listener {self.port} {self.host}",
            f"allow_anonymous {'false' if self.password_file else 'true'}",
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
        if self.password_file:
            lines.append(f"password_file {self.password_file}")
        if self.acl_file:
            lines.append(f"acl_file {self.acl_file}")
        if self.tls:
            ca, cert, key = self.tls
            lines += [f"cafile {ca}", f"certfile {cert}", f"keyfile {key}", "tls_version tlsv1.2"]
        self.conf_path.write_text("\n".join(lines) + "\n")
        return self.conf_path

    def start(self, timeout: float = 10.0) -> int:
        """Start (or restart on the same port) and wait until it accepts connections."""
        self.write_conf()
        self.proc = subprocess.Popen([find_mosquitto(), "-c", str(self.conf_path)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                tail = self.log_path.read_text()[-600:] if self.log_path.exists() else ""
                raise RuntimeError(f"mosquitto exited with {self.proc.returncode}: {err}{tail}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self.port
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"mosquitto did not listen on {self.host}:{self.port} within {timeout} s")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM (mosquitto saves its persistence file), then SIGKILL if it lingers."""
        if not self.running:
            return
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
