"""Every package folder is installed, under the hallkit.* names the design gives."""

import importlib
import tomllib

from conftest import ROOT


def test_every_package_folder_is_listed_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(project["packages"])
    mapping = {folder: name for name, folder in project["package-dir"].items()}
    found = set()
    for init in ROOT.glob("**/__init__.py"):
        rel = init.parent.relative_to(ROOT)
        if rel.parts[0] in (".venv", "tests", "bench", "build"):
            continue
        top = mapping.get(rel.parts[0])
        if top:
            found.add(".".join([top, *rel.parts[1:]]))
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - found == set(), "listed packages that do not exist"


def test_design_folders_import_under_hallkit():
    for name in ("hallkit.daemons", "hallkit.drivers", "hallkit.kiosk_ui", "hallkit.daemons.hall"):
        module = importlib.import_module(name)
        assert module.__file__.startswith(str(ROOT))
