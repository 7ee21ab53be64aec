"""The hall config's model: the core sections plus each installed daemon's own.

A daemon declares its table (``DaemonSpec.section``) and the model that types it
(``settings``); the file is validated against ``HallConfig`` extended by those,
so a daemon's keys get the same located errors and "did you mean" as the core's,
and ``cfg.section(name)`` hands the daemon its settings typed.
"""

from __future__ import annotations

import logging

from pydantic import Field, create_model

from hallkit.config.model import HallConfig

log = logging.getLogger(__name__)

_built: dict[tuple, type[HallConfig]] = {}


def config_model() -> type[HallConfig]:
    from hallkit.plugins import daemons

    sections = {}
    for spec in daemons().values():
        if spec.section is None or spec.settings is None:
            continue
        if spec.section in HallConfig.model_fields or spec.section in sections:
            log.error("daemon %s declares config section [%s], which is taken; left out",
                      spec.name, spec.section)
            continue
        sections[spec.section] = (spec.settings, Field(
            default_factory=spec.settings, description=f"the {spec.name} daemon's settings"))
    key = tuple((name, model) for name, (model, _) in sorted(sections.items()))
    if key not in _built:
        _built[key] = create_model("HallConfig", __base__=HallConfig, __module__=__name__, **sections)
    return _built[key]
