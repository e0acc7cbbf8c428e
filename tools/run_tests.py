"""The project's one test command: pytest for what needs no Odoo, then the Odoo tier.

The Odoo tier installs every `callcenter_*` addon on a throwaway database with
`--test-enable`, prints Odoo's own summary, drops the database and fails on any
test failure, error or ERROR/CRITICAL log line. When no Odoo 18 is found it
says so in one line and the pure-Python tier still decides the exit code.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from odoo_env import (  # noqa: E402
    ODOO_CONF,
    REPO_ROOT,
    OdooNotFound,
    ensure_postgres,
    find_odoo,
    free_port,
    project_addons,
)

ODOO_REPORT = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests"
)
ODOO_LOG_LEVEL = re.compile(r"^\S+ \S+ \d+ (?P<level>ERROR|CRITICAL) ")
SKIPPED_BROWSER = re.compile(
    r" skipped .*(websocket-client|[Cc]hrome|devtools)"
)
PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|error|errors|skipped)")
PYTEST_NO_TESTS = 5


def run_pytest(extra_args) -> tuple[int, int, int]:
    """Returns (exit code, passed, failed) of the pure-Python tier."""
    cmd = [sys.executable, "-m", "pytest", *extra_args]
    print("== pure-Python tier:", " ".join(cmd), flush=True)
    proc = subprocess.Popen(
        cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    last_summary = ""
    for line in proc.stdout:
        sys.stdout.write(line)
        if " in " in line and ("passed" in line or "failed" in line or "error" in line):
            last_summary = line
    rc = proc.wait()
    counts = {kind: int(n) for n, kind in PYTEST_COUNTS.findall(last_summary)}
    failed = counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    if rc == PYTEST_NO_TESTS:
        print("pure-Python tier: pytest collected no test", flush=True)
        rc = 1
    return rc, counts.get("passed", 0), failed


def run_odoo_tier(odoo, modules, test_tags, keep_db) -> tuple[int, int, int]:
    """Returns (exit code, passed, failed) of the Odoo tier."""
    ensure_postgres()
    db_name = "callcenter_test_%d_%d" % (os.getpid(), int(time.time()))
    cmd = [
        *odoo.command(),
        f"--config={ODOO_CONF}",
        f"--addons-path={odoo.addons_path()}",
        f"--database={db_name}",
        f"--db-filter=^{db_name}$",
        f"--init={','.join(modules)}",
        "--test-enable",
        "--stop-after-init",
        "--log-level=test",
        f"--http-port={free_port()}",
        "--http-interface=127.0.0.1",
        "--workers=0",
        "--max-cron-threads=0",
        "--without-demo=",
    ]
    cmd.append("--test-tags=" + (test_tags or ",".join(f"/{module}" for module in modules)))
    print(f"== Odoo tier: {odoo.source}; database {db_name}; addons {', '.join(modules)}",
          flush=True)
    error_lines = []
    report = None
    try:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace",
        )
        for line in proc.stdout:
            sys.stdout.write(line)
            if ODOO_LOG_LEVEL.match(line) or SKIPPED_BROWSER.search(line):
                error_lines.append(line.rstrip())
            match = ODOO_REPORT.search(line)
            if match and "when loading database" in line:
                report = match
        rc = proc.wait()
    finally:
        if not keep_db:
            drop_database(db_name)
    if report is None:
        print("Odoo tier: Odoo printed no test report (installation failed?)", flush=True)
        return rc or 1, 0, 1
    total = int(report["total"])
    failed = int(report["failed"]) + int(report["errors"])
    print(f"Odoo tier report: {report.group(0)}", flush=True)
    if error_lines:
        print(f"Odoo tier: {len(error_lines)} ERROR/CRITICAL line(s) or browser tests skipped:",
              flush=True)
        for line in error_lines[:50]:
            print("   ", line[:300], flush=True)
    if rc == 0 and (failed or error_lines):
        rc = 1
    return rc, total - failed, max(failed, 1 if rc else 0)


def drop_database(db_name):
    result = subprocess.run(
        ["dropdb", "--if-exists", "-h", "127.0.0.1", db_name],
        capture_output=True, text=True, check=False,
    )
    if result.returncode:
        result = subprocess.run(
            ["dropdb", "--if-exists", db_name], capture_output=True, text=True, check=False
        )
    if result.returncode:
        print(f"could not drop {db_name}: {result.stderr.strip()}", flush=True)
    subprocess.run(
        ["rm", "-rf", str(Path.home() / ".local/share/Odoo/filestore" / db_name)],
        check=False,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("pytest", "odoo"), help="run one tier")
    parser.add_argument("--modules", help="comma-separated addons (default: all callcenter_*)")
    parser.add_argument("--test-tags", default="", help="passed to Odoo's --test-tags")
    parser.add_argument("--keep-db", action="store_true", help="keep the test database")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments")
    args = parser.parse_args(argv)

    results = {}
    if args.only != "odoo":
        results["pytest"] = run_pytest(args.pytest_args)
    if args.only != "pytest":
        try:
            odoo = find_odoo()
        except OdooNotFound as exc:
            print(f"Odoo tier NOT RUN: no Odoo 18 found ({exc}); "
                  "set ODOO_PATH to an Odoo 18 source tree to run it.", flush=True)
        else:
            modules = args.modules.split(",") if args.modules else project_addons()
            results["odoo"] = run_odoo_tier(odoo, modules, args.test_tags, args.keep_db)

    passed = sum(r[1] for r in results.values())
    failed = sum(r[2] for r in results.values())
    rc = 0 if all(r[0] == 0 for r in results.values()) else 1
    for tier, (tier_rc, tier_passed, tier_failed) in results.items():
        print(f"{tier} tier: {'ok' if tier_rc == 0 else 'FAILED'} "
              f"({tier_passed} passed, {tier_failed} failed)", flush=True)
    print(f"total: {passed} passed, {failed} failed", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
