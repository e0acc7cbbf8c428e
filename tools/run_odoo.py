"""The project's run command: Odoo on 127.0.0.1:8069 with every addon and demo data.

The first run creates the database and installs every `callcenter_*` addon with
demo data; later runs reuse it (`--update` brings changed addons up to date).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from odoo_env import (  # noqa: E402
    ODOO_CONF,
    REPO_ROOT,
    OdooNotFound,
    ensure_postgres,
    find_odoo,
    project_addons,
)


def database_exists(name) -> bool:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-d", "postgres", "-Atc",
         "SELECT 1 FROM pg_database WHERE datname = %s" % _quote(name)],
        capture_output=True, text=True, check=False,
    )
    if result.returncode:
        raise RuntimeError(f"cannot query PostgreSQL: {result.stderr.strip()}")
    return result.stdout.strip() == "1"


def _quote(name):
    return "'" + name.replace("'", "''") + "'"


def odoo_command(odoo, database, extra):
    modules = ",".join(project_addons())
    cmd = [
        *odoo.command(),
        f"--config={ODOO_CONF}",
        f"--addons-path={odoo.addons_path()}",
        f"--database={database}",
        f"--db-filter=^{database}$",
        "--http-interface=127.0.0.1",
        "--http-port=8069",
    ]
    if not database_exists(database):
        print(f"Creating database {database} with demo data and addons {modules}", flush=True)
        cmd += [f"--init={modules}", "--without-demo="]
    return cmd + list(extra)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("CALLCENTER_DB", "callcenter"))
    parser.add_argument("--update", action="store_true", help="update every callcenter_* addon")
    args, extra = parser.parse_known_args(argv)
    try:
        odoo = find_odoo()
    except OdooNotFound as exc:
        print(f"Cannot run: no Odoo 18 found ({exc}). Set ODOO_PATH to an Odoo 18 source tree.")
        return 2
    ensure_postgres()
    if args.update:
        extra.append("--update=" + ",".join(project_addons()))
    cmd = odoo_command(odoo, args.database, extra)
    print("Odoo on http://127.0.0.1:8069 (log in as admin / admin)", flush=True)
    os.chdir(REPO_ROOT)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())
