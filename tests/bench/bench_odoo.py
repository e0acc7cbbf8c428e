"""What the benchmarks that run Odoo themselves share: psql, their database made or
brought up to date, its registry opened in the bench's own process, the peak RSS of a
block, and the generated call center of the report benches.

Not a bench itself. The benches import it from this folder, which Python puts first on
sys.path when a bench runs as `python3 tests/bench/<name>.py` (they add it all the same,
as bench_e2e.py does for bench_connector.py):

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_odoo import open_registry, prepare_database  # noqa: E402
"""

import subprocess
import sys
import threading
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from odoo_env import ODOO_CONF, ensure_postgres  # noqa: E402


def psql(sql, db="postgres"):
    """The output of one statement on `db` (unaligned, stripped); a failing psql raises."""
    return subprocess.run(["psql", "-h", "127.0.0.1", "-d", db, "-Atc", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def database_exists(db):
    """Whether PostgreSQL has the database `db` (False too when psql cannot connect: the
    caller's Odoo command then says what is wrong)."""
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-d", "postgres", "-Atc",
                          f"SELECT 1 FROM pg_database WHERE datname='{db}'"],
                         capture_output=True, text=True).stdout.strip()
    return out == "1"


def prepare_database(odoo, db, module, reuse=False, options=()):
    """Create `db` with `module` and no demo data, or update `module` on it to this
    checkout's code; with `reuse` an existing database is left as it is (a bench that
    generated millions of rows need not pay a module update on every run).

    `odoo` is tools/odoo_env.find_odoo()'s install; `options` are added to its command
    line. No cron thread starts: the command stops after the install.
    """
    ensure_postgres()
    exists = database_exists(db)
    if exists and reuse:
        return
    mode = f"--update={module}" if exists else f"--init={module}"
    subprocess.run([*odoo.command(), f"--config={ODOO_CONF}",
                    f"--addons-path={odoo.addons_path()}", f"--database={db}", mode,
                    "--without-demo=all", "--stop-after-init", "--log-level=warn",
                    "--max-cron-threads=0", *options], check=True, cwd=ROOT)


def open_registry(odoo, db):
    """The `odoo` package of that install, configured as the suite runs it, and the
    registry of `db` loaded in this process: the bench calls the ORM directly."""
    sys.path.insert(0, str(odoo.package_dir.parent))
    import odoo as odoo_package

    odoo_package.tools.config.parse_config([
        f"--config={ODOO_CONF}", f"--addons-path={odoo.addons_path()}", f"--database={db}",
        "--log-level=warn", "--max-cron-threads=0"])
    return odoo_package, odoo_package.modules.registry.Registry(db)


class PeakRss:
    """The highest RSS of this process while the block runs (`peak`), sampled every
    `every` seconds; with `children`, also the highest of any of its child processes
    (`children_peak`), for work handed to a helper process."""

    def __init__(self, every=0.02, children=False):
        self.peak = self.children_peak = 0
        self._every = every
        self._children = children
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        process = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, process.memory_info().rss)
            if self._children:
                for child in process.children():
                    try:
                        self.children_peak = max(self.children_peak, child.memory_info().rss)
                    except psutil.NoSuchProcess:
                        pass
            self._stop.wait(self._every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, psutil.Process().memory_info().rss)


def setup_call_center(env, pbx_name, prefix, agent_count, queue_count, *, first_extension,
                      tz, team_size=20, queue_values=None):
    """The call center of a report bench, made once: returns (the PBX, whether it was
    made now) so that the bench adds its own records only to a new one.

    The PBX `pbx_name`; `agent_count` agents `<prefix>_agent_NNN` on extensions from
    `first_extension`, in teams of `team_size`; `queue_count` queues `<prefix>_NN`, each
    served by its own share of the agents, with `queue_values(index)` added to each; the
    call center manager `<prefix>_manager`. Users are in `tz`.
    """
    pbx = env["callcenter.pbx"].search([("name", "=", pbx_name)])
    if pbx:
        return pbx, False
    env.company.country_id = env.ref("base.cn")
    pbx = env["callcenter.pbx"].create({"name": pbx_name, "ami_secret": "x",
                                        "default_region": "CN"})
    agent_group = env.ref("callcenter_base.group_callcenter_agent")
    users = env["res.users"].with_context(no_reset_password=True).create([{
        "name": f"Agent {index:03d}", "login": f"{prefix}_agent_{index:03d}", "tz": tz,
        "groups_id": [(6, 0, [env.ref("base.group_user").id, agent_group.id])],
    } for index in range(agent_count)])
    teams = env["callcenter.team"].create([
        {"name": f"Team {index:02d}"} for index in range(-(-agent_count // team_size))])
    agents = env["callcenter.agent"].create([{
        "user_id": user.id, "pbx_id": pbx.id, "extension": str(first_extension + index),
        "interface": f"PJSIP/{first_extension + index}",
        "team_id": teams[index // team_size].id,
    } for index, user in enumerate(users)])
    per_queue = max(agent_count // queue_count, 1)
    env["callcenter.queue"].create([{
        "name": f"Queue {index:02d}", "asterisk_name": f"{prefix}_{index:02d}",
        "pbx_id": pbx.id,
        "member_ids": [(0, 0, {"agent_id": agent.id})
                       for agent in agents[index * per_queue:(index + 1) * per_queue]],
        **(queue_values(index) if queue_values else {}),
    } for index in range(queue_count)])
    env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench Manager", "login": f"{prefix}_manager", "tz": tz,
        "groups_id": [(6, 0, [env.ref("base.group_user").id,
                              env.ref("callcenter_base.group_callcenter_manager").id])],
    })
    return pbx, True
