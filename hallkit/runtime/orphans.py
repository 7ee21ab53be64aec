"""Children that cannot outlive their supervisor: when `hallctl up` is killed (even with
kill -9) the kernel sends each child SIGTERM, so no daemon or broker runs on unsupervised
and a new `hallctl up` never starts a second set beside them."""

from __future__ import annotations

import ctypes
import signal

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def die_with_parent() -> None:
    """For ``subprocess.Popen(preexec_fn=…)``: runs in the child before it executes."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
