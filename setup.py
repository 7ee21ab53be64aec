"""Packages for setuptools: every folder with an __init__.py under the four source folders,
named as the design gives them (daemons/queue → hallkit.daemons.queue). Everything else is
in pyproject.toml; find_packages() alone cannot see through the package-dir mapping."""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
PACKAGE_DIR = {"hallkit": "hallkit", "hallkit.daemons": "daemons", "hallkit.drivers": "drivers",
               "hallkit.kiosk_ui": "kiosk_ui"}


def packages() -> list[str]:
    found = []
    for name, folder in PACKAGE_DIR.items():
        for init in sorted((ROOT / folder).rglob("__init__.py")):
            rel = init.parent.relative_to(ROOT / folder)
            if "__pycache__" not in rel.parts:
                found.append(".".join([name, *rel.parts]))
    return found


if __name__ == "__main__":  # how setuptools runs it; tests import packages()
    setup(packages=packages(), package_dir=PACKAGE_DIR)
