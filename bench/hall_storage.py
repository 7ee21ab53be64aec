"""Hall storage for benchmarks and tests: a process whose syncs cost what a hall box's
disk costs (eMMC about 5 ms, an SD card about 15 ms), through ``fsync_delay.c`` loaded
with LD_PRELOAD. The benchmark re-runs itself under the shim, so its raw SQLite
baseline and the daemons it starts (children inherit the environment) pay the same."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

SOURCE = Path(__file__).with_name("fsync_delay.c")
BUILT = Path(__file__).resolve().parent.parent / "var" / "shims"


def shim() -> Path:
    """The shim's shared object, built with gcc on first use (kept by its source's hash)."""
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:12]
    lib = BUILT / f"fsync_delay-{digest}.so"
    if not lib.exists():
        BUILT.mkdir(parents=True, exist_ok=True)
        partial = lib.with_name(f"{lib.name}.{os.getpid()}.partial")
        subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", str(partial),
                        str(SOURCE), "-ldl"], check=True)
        os.replace(partial, lib)  # never a half-written library under its name
    return lib


def slow_disk_env(ms: float, env: dict[str, str] | None = None, log: Path | None = None,
                  fail_while: Path | None = None) -> dict[str, str]:
    """``env`` (default: this process's) with every sync delayed by ``ms`` milliseconds;
    ``log``: where the shim writes each sync's start and end; ``fail_while``: syncs fail
    with EIO while this file exists."""
    out = dict(os.environ if env is None else env)
    lib = str(shim())
    preload = [p for p in out.get("LD_PRELOAD", "").replace(":", " ").split() if p != lib]
    out["LD_PRELOAD"] = " ".join([lib, *preload])
    out["HALLKIT_FSYNC_MS"] = repr(float(ms))
    if log is not None:
        out["HALLKIT_FSYNC_LOG"] = str(log)
    if fail_while is not None:
        out["HALLKIT_FSYNC_EIO_FLAG"] = str(fail_while)
    return out


def active_delay_ms() -> float:
    """The delay the shim adds to this process's syncs (0 when it is not loaded)."""
    loaded = "fsync_delay-" in os.environ.get("LD_PRELOAD", "")
    return float(os.environ.get("HALLKIT_FSYNC_MS", "0")) if loaded else 0.0


def run_with_slow_disk(ms: float) -> None:
    """Start this program again under the shim (returns only when that is done already)."""
    if ms <= 0 or active_delay_ms() == float(ms):
        return
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, *sys.argv], slow_disk_env(ms))
