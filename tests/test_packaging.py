"""Every package folder is installed, under the hallkit.* names the design gives; every
family and daemon folder is declared through an entry point."""

import importlib
import importlib.util
from importlib.metadata import distribution, entry_points

from conftest import ROOT


def _package_folders() -> dict[str, str]:
    mapping = {"hallkit": "hallkit", "daemons": "hallkit.daemons", "drivers": "hallkit.drivers",
               "kiosk_ui": "hallkit.kiosk_ui"}
    found = {}
    for init in ROOT.glob("**/__init__.py"):
        rel = init.parent.relative_to(ROOT)
        top = mapping.get(rel.parts[0])
        if top:
            found[".".join([top, *rel.parts[1:]])] = str(init.parent)
    return found


def test_every_package_folder_is_importable_from_this_tree():
    for name, folder in _package_folders().items():
        module = importlib.import_module(name)
        assert module.__file__.startswith(folder), (name, module.__file__)


def test_the_installed_distribution_lists_every_package():
    spec = importlib.util.spec_from_file_location("hallkit_setup", ROOT / "setup.py")
    setup_py = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup_py)
    assert set(setup_py.packages()) == set(_package_folders())


def test_every_family_and_daemon_folder_has_an_entry_point():
    assert distribution("hallkit").entry_points  # installed (editable), with its entry points
    families = {ep.value.split(":")[0] for ep in entry_points(group="hallkit.families")}
    daemons = {ep.value.split(":")[0] for ep in entry_points(group="hallkit.daemons")}
    family_folders = {f"hallkit.drivers.{p.parent.name}" for p in (ROOT / "drivers").glob("*/__init__.py")
                      if "FAMILY = Family(" in p.read_text()}
    daemon_folders = {f"hallkit.daemons.{p.parent.name}" for p in (ROOT / "daemons").glob("*/__init__.py")}
    assert family_folders and family_folders <= families
    assert daemon_folders == daemons


def test_what_each_family_declares_can_be_loaded():
    from hallkit.plugins import families
    from hallkit.plugins.family import load_attr

    for fam in families().values():
        for path in (fam.codec, fam.driver, *([fam.simulator.factory] if fam.simulator else [])):
            assert load_attr(path) is not None, (fam.name, path)
