"""Plug-ins: device families and daemons declare themselves; hallkit lists the declarations.

A device family is one folder (``drivers/<family>/``) whose package exports a
``Family``; a daemon is one folder (``daemons/<name>/``) whose package exports a
``DaemonSpec``. Both are found through Python entry points (groups
``hallkit.families`` and ``hallkit.daemons``), so a vendor's board model installs
as its own pip package; hallkit's own folders use the same entry points. Config
checks, ``hallctl sim``, the simulator host, ``hallctl status``, the ACL,
docs/bus.md and ``hallctl up`` iterate these declarations.
"""

from hallkit.plugins.daemon import DaemonSpec
from hallkit.plugins.family import Family, SimAction, SimArg, SimSpec
from hallkit.plugins.registry import (
    daemon_spec,
    daemons,
    families,
    families_for,
    family,
    register_daemon,
    register_family,
)

__all__ = ["DaemonSpec", "Family", "SimAction", "SimArg", "SimSpec", "daemon_spec", "daemons",
           "families", "families_for", "family", "register_daemon", "register_family"]
