"""The project's run command: Odoo on 127.0.0.1:8069 with demo data, plus the connector.

The first run creates the database with every `callcenter_*` addon and demo
data. The demo's connector user gets an API key and the demo PBX a command
token (kept in var/<db>-connector.json, outside git). Then Odoo starts, and
the telephony connector starts against the PBX of `CALLCENTER_AMI_HOST` when
one is configured (with `CALLCENTER_AMI_SECRET`), or else against its built-in
call simulator, so that a newcomer sees live calls, screen pops and the
wallboard. Ctrl-C stops both.
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
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

STATE_DIR = REPO_ROOT / "var"
PROVISION_SCRIPT = """
import json
pbx = env.ref("callcenter_base.callcenter_pbx_demo", raise_if_not_found=False) or env["callcenter.pbx"].search([], limit=1)
user = env.ref("callcenter_base.user_connector_demo", raise_if_not_found=False)
if not pbx or not user:
    raise SystemExit("no PBX or connector user in this database")
key = env["res.users.apikeys"].with_user(user).sudo()._generate(None, "make run", None)
pbx.write({"connector_url": "http://127.0.0.1:%(command_port)d", "connector_token": %(token)r})
env.cr.commit()
print("CALLCENTER-PROVISION " + json.dumps({"api_key": key, "login": user.login, "pbx_id": pbx.id}))
"""


def database_exists(name) -> bool:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-d", "postgres", "-Atc",
         "SELECT 1 FROM pg_database WHERE datname = '%s'" % name.replace("'", "''")],
        capture_output=True, text=True, check=False,
    )
    if result.returncode:
        raise RuntimeError(f"cannot query PostgreSQL: {result.stderr.strip()}")
    return result.stdout.strip() == "1"


def odoo_base_command(odoo, database):
    return [
        *odoo.command(), f"--config={ODOO_CONF}", f"--addons-path={odoo.addons_path()}",
        f"--database={database}", f"--db-filter=^{database}$",
    ]


def provision_connector(odoo, database, command_port):
    """API key for the demo connector user and a command token for the demo PBX (once)."""
    STATE_DIR.mkdir(exist_ok=True)
    state_file = STATE_DIR / f"{database}-connector.json"
    if state_file.exists():
        return json.loads(state_file.read_text())
    token = secrets.token_urlsafe(24)
    script = PROVISION_SCRIPT % {"command_port": command_port, "token": token}
    result = subprocess.run(
        [*odoo.command(), "shell",
         f"--config={ODOO_CONF}", f"--addons-path={odoo.addons_path()}", f"--database={database}",
         "--no-http", "--log-level=warn"],
        input=script, capture_output=True, text=True, cwd=REPO_ROOT, check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("CALLCENTER-PROVISION ")), None)
    if not line:
        raise RuntimeError("could not provision the connector:\n" + result.stdout + result.stderr)
    state = {**json.loads(line.split(" ", 1)[1]), "command_token": token}
    state_file.write_text(json.dumps(state))
    state_file.chmod(0o600)
    return state


def wait_for_http(url, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(1)
    return False


def connector_command(database, state, command_port, http_port):
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT / "connector"),
        "CALLCENTER_ODOO_URL": f"http://127.0.0.1:{http_port}",
        "CALLCENTER_ODOO_DB": database,
        "CALLCENTER_ODOO_USER": state["login"],
        "CALLCENTER_ODOO_API_KEY": state["api_key"],
        "CALLCENTER_PBX_ID": str(state["pbx_id"]),
        "CALLCENTER_COMMAND_TOKEN": state["command_token"],
        "CALLCENTER_COMMAND_BIND": f"127.0.0.1:{command_port}",
        "CALLCENTER_SPOOL_DIR": str(STATE_DIR / f"{database}-spool"),
    }
    args = [sys.executable, "-m", "callcenter_connector"]
    if not os.environ.get("CALLCENTER_AMI_SECRET"):
        args.append("--simulator")
        env.setdefault("CALLCENTER_AMI_SECRET", "odoo")
        env.setdefault("CALLCENTER_AMI_PORT", "15038")
        env.setdefault("CALLCENTER_FASTAGI_BIND", "127.0.0.1:14573")
        # The simulator writes the IVR's voicemail here and the connector uploads it.
        monitor = STATE_DIR / f"{database}-monitor"
        monitor.mkdir(parents=True, exist_ok=True)
        env.setdefault("CALLCENTER_RECORDINGS_DIR", str(monitor))
    return args, env


def _stop_on_sigterm(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("CALLCENTER_DB", "callcenter"))
    parser.add_argument("--update", action="store_true", help="update every callcenter_* addon")
    parser.add_argument("--no-connector", action="store_true", help="run Odoo only")
    parser.add_argument("--command-port", type=int, default=8765)
    parser.add_argument("--http-port", type=int, default=8069)
    args, extra = parser.parse_known_args(argv)
    try:
        odoo = find_odoo()
    except OdooNotFound as exc:
        print(f"Cannot run: no Odoo 18 found ({exc}). Set ODOO_PATH to an Odoo 18 source tree.")
        return 2
    ensure_postgres()
    base = odoo_base_command(odoo, args.database)
    modules = ",".join(project_addons())
    if not database_exists(args.database):
        print(f"Creating database {args.database} with demo data and addons {modules} …", flush=True)
        subprocess.run([*base, f"--init={modules}", "--without-demo=", "--stop-after-init",
                        "--log-level=warn"], cwd=REPO_ROOT, check=True)
    elif args.update:
        subprocess.run([*base, f"--update={modules}", "--stop-after-init", "--log-level=warn"],
                       cwd=REPO_ROOT, check=True)
    if "--stop-after-init" in extra:
        return 0
    children = []
    try:
        odoo_proc = subprocess.Popen([*base, "--http-interface=127.0.0.1",
                                      f"--http-port={args.http_port}", *extra], cwd=REPO_ROOT)
        children.append(odoo_proc)
        if not wait_for_http(f"http://127.0.0.1:{args.http_port}/web/login"):
            print("Odoo did not start; see its log above.")
            return 1
        print(f"Odoo on http://127.0.0.1:{args.http_port} — log in as admin/admin (manager), "
              "alice/alice (agent) or wang/wang (team lead)", flush=True)
        if not args.no_connector:
            state = provision_connector(odoo, args.database, args.command_port)
            command, env = connector_command(args.database, state, args.command_port, args.http_port)
            children.append(subprocess.Popen(command, cwd=REPO_ROOT, env=env))
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
