"""Locate an Odoo 18 and build the command lines that run it with this project's addons.

Shared by the test harness (`tools/run_tests.py`) and the run command
(`tools/run_odoo.py`) so both see the same Odoo, the same addons path and the
same configuration file.
"""

import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROJECT_ADDONS = REPO_ROOT / "addons"
EXTRA_ADDONS_TARGET = REPO_ROOT / "var" / "odoo-extra"
EXTRA_ADDONS = EXTRA_ADDONS_TARGET / "odoo" / "addons"
ODOO_CONF = REPO_ROOT / "odoo.conf"
REQUIRED_MAJOR = 18


@dataclass(frozen=True)
class OdooInstall:
    """Where an Odoo 18 lives: its `odoo` package folder and its extra addons folders."""

    source: str
    package_dir: Path
    addons_dirs: tuple[Path, ...]
    python: str = sys.executable

    def command(self) -> list[str]:
        """The argv prefix that starts this Odoo's server CLI."""
        bootstrap = (
            "import sys; sys.path.insert(0, %r); "
            "import odoo; odoo.cli.main()" % str(self.package_dir.parent)
        )
        return [self.python, "-c", bootstrap]

    def addons_path(self, extra=()) -> str:
        dirs = [*extra, PROJECT_ADDONS, *self.addons_dirs, EXTRA_ADDONS]
        return ",".join(str(d) for d in dirs if d.is_dir())


class OdooNotFound(Exception):
    """No usable Odoo 18: the message says what was looked at and why it did not fit."""


def _read_version(package_dir: Path) -> tuple[int, ...] | None:
    release = package_dir / "release.py"
    if not release.is_file():
        return None
    match = re.search(
        r"^version_info\s*=\s*\((\d+),\s*(\d+)", release.read_text(), re.MULTILINE
    )
    return (int(match.group(1)), int(match.group(2))) if match else None


def _install_from_package_dir(package_dir: Path, source: str) -> OdooInstall:
    version = _read_version(package_dir)
    if version is None:
        raise OdooNotFound(f"{source}: {package_dir} is not an Odoo package (no release.py)")
    if version[0] != REQUIRED_MAJOR:
        raise OdooNotFound(
            f"{source}: found Odoo {version[0]}.{version[1]} at {package_dir}, "
            f"this suite needs Odoo {REQUIRED_MAJOR}.0"
        )
    source_tree_addons = package_dir.parent / "addons"
    addons = (source_tree_addons,) if (source_tree_addons / "web").is_dir() else ()
    return OdooInstall(source=source, package_dir=package_dir, addons_dirs=addons)


def find_odoo(environ=None) -> OdooInstall:
    """ODOO_PATH wins; otherwise an `odoo` package importable by this interpreter."""
    environ = os.environ if environ is None else environ
    odoo_path = environ.get("ODOO_PATH", "").strip()
    if odoo_path:
        root = Path(odoo_path).expanduser().resolve()
        for candidate in (root / "odoo", root):
            if (candidate / "release.py").is_file():
                return _install_from_package_dir(candidate, f"ODOO_PATH={odoo_path}")
        raise OdooNotFound(f"ODOO_PATH={odoo_path} holds no Odoo source tree (no odoo/release.py)")
    spec = importlib.util.find_spec("odoo")
    if spec is None or not spec.submodule_search_locations:
        raise OdooNotFound(
            "ODOO_PATH is not set and `import odoo` fails in " + sys.executable
        )
    locations = [Path(p) for p in spec.submodule_search_locations]
    for package_dir in locations:
        if (package_dir / "release.py").is_file():
            return _install_from_package_dir(package_dir, f"importable odoo ({package_dir})")
    raise OdooNotFound(
        "`import odoo` finds only a namespace without Odoo itself in "
        + ", ".join(map(str, locations))
        + " (addons installed with pip into site-packages can shadow an editable Odoo)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project_addons() -> list[str]:
    """Every callcenter_* addon of the repository, in name order."""
    return sorted(
        path.parent.name
        for path in PROJECT_ADDONS.glob("callcenter_*/__manifest__.py")
    )


def postgres_is_up(host="127.0.0.1", port=5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def ensure_postgres() -> None:
    """Start the local PostgreSQL cluster when nothing listens on 127.0.0.1:5432."""
    if postgres_is_up():
        return
    clusters = sorted(Path("/etc/postgresql").glob("*/main"))
    if not clusters:
        raise RuntimeError(
            "PostgreSQL is not running on 127.0.0.1:5432 and no Debian cluster is "
            "configured under /etc/postgresql: install postgresql or start your server"
        )
    version = clusters[-1].parent.name
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
        check=False,
    )
    for _ in range(30):
        if postgres_is_up():
            return
        time.sleep(1)
    raise RuntimeError(f"PostgreSQL {version}/main did not start on 127.0.0.1:5432")
