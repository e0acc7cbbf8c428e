"""The harness finds an Odoo 18 the way the README says, and explains when it cannot."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import odoo_env  # noqa: E402


def _fake_odoo(root: Path, major=18, with_addons=True):
    package = root / "odoo"
    package.mkdir(parents=True)
    (package / "release.py").write_text(f"version_info = ({major}, 0, 0, 'final', 0, '')\n")
    if with_addons:
        (root / "addons" / "web").mkdir(parents=True)
    return root


def test_odoo_path_source_tree(tmp_path):
    root = _fake_odoo(tmp_path / "odoo18")
    found = odoo_env.find_odoo({"ODOO_PATH": str(root)})
    assert found.package_dir == root / "odoo"
    assert found.addons_dirs == (root / "addons",)
    path = found.addons_path().split(",")
    assert path[0] == str(odoo_env.PROJECT_ADDONS)
    assert path[1] == str(root / "addons")


def test_odoo_path_pointing_at_package(tmp_path):
    root = _fake_odoo(tmp_path / "src", with_addons=False)
    found = odoo_env.find_odoo({"ODOO_PATH": str(root / "odoo")})
    assert found.package_dir == root / "odoo"
    assert found.addons_dirs == ()


def test_wrong_version_is_explained(tmp_path):
    root = _fake_odoo(tmp_path / "odoo17", major=17)
    with pytest.raises(odoo_env.OdooNotFound, match="found Odoo 17.0 .* needs Odoo 18.0"):
        odoo_env.find_odoo({"ODOO_PATH": str(root)})


def test_not_an_odoo_tree(tmp_path):
    with pytest.raises(odoo_env.OdooNotFound, match="holds no Odoo source tree"):
        odoo_env.find_odoo({"ODOO_PATH": str(tmp_path)})


def test_every_addon_is_listed():
    addons = odoo_env.project_addons()
    assert "callcenter_base" in addons
    assert all(name.startswith("callcenter_") for name in addons)


def test_namespace_shadow_is_skipped(tmp_path, monkeypatch):
    """pip-installed addons create a bare `odoo/` folder; the real Odoo is still found."""
    shadow = tmp_path / "site-packages" / "odoo"
    (shadow / "addons" / "helpdesk_mgmt").mkdir(parents=True)
    real = _fake_odoo(tmp_path / "src") / "odoo"

    class Spec:
        submodule_search_locations = [str(shadow), str(real)]

    monkeypatch.setattr(odoo_env.importlib.util, "find_spec", lambda name: Spec)
    assert odoo_env.find_odoo({}).package_dir == real
    Spec.submodule_search_locations = [str(shadow)]
    with pytest.raises(odoo_env.OdooNotFound, match="namespace without Odoo"):
        odoo_env.find_odoo({})
