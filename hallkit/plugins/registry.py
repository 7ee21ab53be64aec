"""The families and daemons installed: found through entry points, plus any registered
in-process (tests; a program embedding hallkit). Loaded once, on first use."""

from __future__ import annotations

import logging
from functools import cache
from importlib.metadata import entry_points

from hallkit.plugins.daemon import DaemonSpec
from hallkit.plugins.family import Family

log = logging.getLogger(__name__)

FAMILY_GROUP = "hallkit.families"
DAEMON_GROUP = "hallkit.daemons"

_registered_families: dict[str, Family] = {}
_registered_daemons: dict[str, DaemonSpec] = {}


def _load(group: str, kind: type) -> dict[str, object]:
    found: dict[str, object] = {}
    for ep in entry_points(group=group):
        try:
            obj = ep.load()
        except Exception as exc:  # a broken vendor package must not take hallkit down
            log.error("%s plug-in %r (%s) cannot be loaded: %s", group, ep.name, ep.value, exc)
            continue
        if not isinstance(obj, kind) or obj.name != ep.name:
            log.error("%s plug-in %r (%s) is not a %s named %r; ignored", group, ep.name, ep.value,
                      kind.__name__, ep.name)
            continue
        if ep.name in found:
            log.error("two %s plug-ins are named %r; using %s, ignoring %s: uninstall one",
                      group, ep.name, found[ep.name].__module__ if hasattr(found[ep.name], "__module__")
                      else "the first", ep.value)
            continue
        found[ep.name] = obj
    return found


@cache
def _installed_families() -> dict[str, Family]:
    return _load(FAMILY_GROUP, Family)  # type: ignore[return-value]


@cache
def _installed_daemons() -> dict[str, DaemonSpec]:
    return _load(DAEMON_GROUP, DaemonSpec)  # type: ignore[return-value]


def register_family(fam: Family) -> None:
    """What the entry point does, in-process: a test's toy family, a program's own."""
    _registered_families[fam.name] = fam


def register_daemon(spec: DaemonSpec) -> None:
    _registered_daemons[spec.name] = spec


def unregister(name: str) -> None:
    """Forget an in-process registration (tests clean up with it)."""
    _registered_families.pop(name, None)
    _registered_daemons.pop(name, None)


def families() -> dict[str, Family]:
    return {**_installed_families(), **_registered_families}


def family(name: str) -> Family | None:
    return families().get(name)


def families_for(kind: str) -> list[str]:
    return sorted(name for name, f in families().items() if f.kind == kind)


def daemons() -> dict[str, DaemonSpec]:
    """Every daemon, in start order."""
    specs = {**_installed_daemons(), **_registered_daemons}
    return dict(sorted(specs.items(), key=lambda item: (item[1].order, item[0])))


def daemon_spec(name: str) -> DaemonSpec | None:
    return daemons().get(name)
