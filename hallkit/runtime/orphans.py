"""Children that cannot outlive their supervisor: when `hallctl up` is killed (even with
kill -9) the kernel sends each child SIGTERM, so no daemon or broker runs on unsupervised
and a new `hallctl up` never starts a second set beside them."""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def die_with_parent() -> Callable[[], None]:
    """For ``subprocess.Popen(preexec_fn=die_with_parent())``, called in the parent: the
    function runs in the child before it executes. The kernel's signal follows the parent
    *thread*, so children are started from the supervisor's main thread; and a parent gone
    before the call is caught by comparing the parent's pid."""
    parent = os.getpid()

    def arm() -> None:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # it died between the fork and the prctl
            os.kill(os.getpid(), signal.SIGTERM)

    return arm
