"""Regenerate each addon's `i18n/<addon>.pot` from a database where it is installed.

Usage: python3 tools/i18n_export.py [--database DB] [addon ...]
The database must have the addons installed and up to date (`make run` makes one).
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from odoo_env import ODOO_CONF, PROJECT_ADDONS, find_odoo, project_addons  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="callcenter")
    parser.add_argument("addons", nargs="*")
    args = parser.parse_args(argv)
    odoo = find_odoo()
    for addon in args.addons or project_addons():
        target = PROJECT_ADDONS / addon / "i18n" / f"{addon}.pot"
        target.parent.mkdir(exist_ok=True)
        subprocess.run([
            *odoo.command(), f"--config={ODOO_CONF}", f"--addons-path={odoo.addons_path()}",
            f"--database={args.database}", f"--i18n-export={target}", f"--modules={addon}",
            "--stop-after-init", "--log-level=warn",
        ], check=True)
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
