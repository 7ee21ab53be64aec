"""The cases daemon: case lookups (办件查询) at the kiosks, from imported cases or a
province's approval system."""

from hallkit.daemons.cases.contract import COMPONENT, CONTRACT
from hallkit.daemons.cases.settings import CaseSettings
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name=COMPONENT,
    summary=__doc__,
    implementation="hallkit.daemons.cases.daemon:CasesDaemon",
    contract=CONTRACT,
    order=60,
    section="cases",
    settings=CaseSettings,
    seed="hallkit.daemons.cases.seed:seed",
)
