"""CATI sample import benchmark: a million-row CSV, then a million-row XLSX, into one campaign.

    python3 tests/bench/bench_cati_import.py [--rows 1000000] [--xlsx-rows 1000000]
                                             [--batch-size 10000] [--no-xlsx]

Creates (once) a database `callcenter_bench_cati` with callcenter_cati, then opens
its registry in this process and imports as a team lead would: the wizard is
created with the file (base64, as the web client sends it), previewed, and run.

The sample is what a Chinese call center gets from a panel vendor: reference,
name, one or two numbers (mobiles in national notation, some landlines with area
codes, a few US numbers with their own time zones), and six typed sample fields.
About 1% of the rows repeat an earlier number, a thousand numbers are already in
the campaign from an earlier wave, a few hundred are on the do-not-call list,
and a handful of rows have a bad age, so that their batches fail.

Printed per file: size, rows read / imported / skipped / in failed batches,
import time and rows/s, CPU seconds of this process, of the XLSX reader process
and of the PostgreSQL backend, and the peak RSS of this process during the import
(sampled) and over its life (getrusage). Targets for the CSV: under 2 minutes,
under 1 GB.
"""

import argparse
import base64
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_odoo import PeakRss, open_registry, prepare_database  # noqa: E402
from odoo_env import find_odoo  # noqa: E402

DB = "callcenter_bench_cati"
HEADER = ["ref", "姓名", "电话", "手机", "region", "age", "income", "joined", "member", "city"]
REGIONS = ["north", "south", "east", "west"]
CITIES = ["北京", "上海", "广州", "深圳", "成都", "武汉", "西安", "杭州", "南京", "重庆"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
AREA_CODES = ["10", "21", "20", "755", "28", "27", "29", "571", "25", "23"]
US_AREA_CODES = ["212", "312", "415", "713", "303"]
SEEDED_NUMBERS = 1_000
BLOCKED_NUMBERS = 300
BAD_ROWS = 5


def national_number(index):
    """A unique number per index: mobiles mostly, some landlines, a few US numbers."""
    kind = index % 50
    if kind == 0:
        return "+1 %s %07d" % (US_AREA_CODES[index % 5], 2_000_000 + index % 8_000_000)
    if kind < 8:
        area = AREA_CODES[index % 10]
        return "0%s-%d" % (area, 60_000_000 + index % 30_000_000 if len(area) == 2
                           else 6_000_000 + index % 3_000_000)
    return "1%d%09d" % (3 + index % 7, index)


def sample_rows(count, seed=7):
    """The rows of the sample, generated lazily."""
    rng = random.Random(seed)
    bad = {rng.randrange(2, count) for _ in range(BAD_ROWS)}
    for index in range(count):
        phone = national_number(index)
        if index > 100 and rng.random() < 0.01:
            phone = national_number(rng.randrange(index))  # a repeated number
        mobile = "1%d%09d" % (5 + index % 4, 500_000_000 + index) if rng.random() < 0.3 else ""
        yield [
            "S%07d" % index,
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            phone,
            mobile,
            rng.choice(REGIONS),
            "abc" if index + 2 in bad else str(rng.randrange(18, 80)),
            "%.2f" % rng.uniform(1000, 50000),
            "20%02d-%02d-%02d" % (rng.randrange(10, 25), rng.randrange(1, 13),
                                  rng.randrange(1, 29)),
            rng.choice(["yes", "no"]),
            rng.choice(CITIES),
        ]


def write_csv(path, count):
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(sample_rows(count))


def write_xlsx(path, count):
    """Written as Excel writes it (inline numbers, a dimension record) with xlsxwriter,
    whose constant-memory mode streams rows to disk."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for row_index, row in enumerate(sample_rows(count), start=1):
        row[5] = int(row[5]) if row[5].isdigit() else row[5]
        row[6] = float(row[6])
        sheet.write_row(row_index, 0, row)
    workbook.close()


def setup_campaign(odoo_package, registry):
    """A fresh campaign led by a team lead, a thousand numbers already in it, and
    the do-not-call list; the previous runs' campaigns are dropped."""
    api, SUPERUSER_ID = odoo_package.api, odoo_package.SUPERUSER_ID
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        cr.execute("DELETE FROM callcenter_cati_campaign WHERE name LIKE 'Bench import%'")
        cr.execute("DELETE FROM callcenter_blacklist WHERE reason = 'bench'")
        env.company.country_id = env.ref("base.cn")
        pbx = env["callcenter.pbx"].search([], limit=1) or env["callcenter.pbx"].create(
            {"name": "Bench PBX", "ami_secret": "x", "default_region": "CN"})
        lead = env["res.users"].search([("login", "=", "bench_lead")]) or env["res.users"].create({
            "name": "Bench Lead", "login": "bench_lead",
            "groups_id": [(6, 0, [env.ref("base.group_user").id,
                                  env.ref("callcenter_base.group_callcenter_supervisor").id])]})
        campaign = env["callcenter.cati.campaign"].create({
            "name": "Bench import %s" % time.strftime("%H:%M:%S"), "pbx_id": pbx.id,
            "tz": "Asia/Shanghai", "team_lead_ids": [(6, 0, lead.ids)],
            "field_ids": [
                (0, 0, {"key": "region", "name": "Region", "field_type": "selection",
                        "selection_values": ",".join(REGIONS), "required": True}),
                (0, 0, {"key": "age", "name": "Age", "field_type": "integer"}),
                (0, 0, {"key": "income", "name": "Income", "field_type": "float"}),
                (0, 0, {"key": "joined", "name": "Joined", "field_type": "date"}),
                (0, 0, {"key": "member", "name": "Member", "field_type": "boolean"}),
                (0, 0, {"key": "city", "name": "City", "field_type": "char"}),
            ]})
        rng = random.Random(11)
        picks = rng.sample(range(1_000_000), SEEDED_NUMBERS + BLOCKED_NUMBERS)
        env["callcenter.cati.case"].create([{
            "campaign_id": campaign.id, "name": "wave 1", "tz": "Asia/Shanghai",
            "number_ids": [(0, 0, {"number": national_number(index)})],
        } for index in picks[:SEEDED_NUMBERS]])
        env["callcenter.blacklist"].create([{
            "number": national_number(index), "direction": "outbound", "reason": "bench",
        } for index in picks[SEEDED_NUMBERS:]] + [
            {"number": "0755", "is_prefix": True, "direction": "outbound", "reason": "bench"}])
        return campaign.id, lead.id


def run_import(odoo_package, registry, campaign_id, lead_id, path, batch_size):
    """Upload (the wizard created with the file, as the web client does), then preview,
    import and commit; RSS peaks and CPU times of this process and of its PostgreSQL
    backend are taken for each phase apart."""
    api = odoo_package.api
    with registry.cursor() as cr:
        env = api.Environment(cr, lead_id, {"tracking_disable": True})
        cr.execute("SELECT pg_backend_pid()")
        backend = psutil.Process(cr.fetchone()[0])
        with PeakRss(every=0.05, children=True) as upload_rss:
            started = time.monotonic()
            content = base64.b64encode(path.read_bytes())
            wizard = env["callcenter.cati.import"].create({
                "campaign_id": campaign_id, "file": content, "filename": path.name,
                "batch_size": batch_size})
            del content
            cr.commit()
            uploaded = time.monotonic()
        python_cpu, backend_cpu = time.process_time(), sum(backend.cpu_times()[:2])
        children_cpu = _children_cpu()
        rss_before = psutil.Process().memory_info().rss
        load_before = psutil.getloadavg()[0]
        with PeakRss(every=0.05, children=True) as import_rss:
            wizard.action_preview()
            wizard.action_import()
            cr.commit()
            done = time.monotonic()
        python_cpu = time.process_time() - python_cpu
        children_cpu = _children_cpu() - children_cpu
        backend_cpu = sum(backend.cpu_times()[:2]) - backend_cpu
        result = wizard.read(["rows_read", "rows_imported", "rows_skipped", "rows_failed",
                              "numbers_imported", "batches_failed", "error_count", "skip_count",
                              "duration"])[0]
    result.update(upload_s=uploaded - started, import_s=done - uploaded,
                  upload_rss=upload_rss.peak, import_rss=import_rss.peak, rss_before=rss_before,
                  reader_rss=import_rss.children_peak, python_cpu=python_cpu,
                  children_cpu=children_cpu, backend_cpu=backend_cpu,
                  load=(load_before, psutil.getloadavg()[0]))
    return result


def _children_cpu():
    """User and system CPU of the child processes that ended (the XLSX reader)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(label, path, result):
    mb = 1024 * 1024
    rows_s = result["rows_read"] / result["import_s"] if result["import_s"] else 0
    print(f"{label}: {path.stat().st_size / mb:.0f} MB, {result['rows_read']:,} rows read, "
          f"{result['rows_imported']:,} imported ({result['numbers_imported']:,} numbers), "
          f"{result['rows_skipped']:,} skipped, {result['rows_failed']:,} in "
          f"{result['batches_failed']} failed batches ({result['error_count']} errors, "
          f"{result['skip_count']:,} skips and dropped numbers)", flush=True)
    print(f"{label}: preview + import + commit {result['import_s']:.1f} s "
          f"({result['duration']:.1f} s in the import itself), {rows_s:,.0f} rows/s; "
          f"CPU: this process {result['python_cpu']:.0f} s, its XLSX reader process "
          f"{result['children_cpu']:.0f} s, its PostgreSQL backend "
          f"{result['backend_cpu']:.0f} s; machine load {result['load'][0]:.1f} -> "
          f"{result['load'][1]:.1f} on {psutil.cpu_count()} CPUs", flush=True)
    print(f"{label}: peak RSS during the import {result['import_rss'] / mb:.0f} MB (from "
          f"{result['rss_before'] / mb:.0f} MB before it; the XLSX reader process "
          f"{result['reader_rss'] / mb:.0f} MB); during "
          f"the upload ({result['upload_s']:.1f} s, Odoo's attachment indexing included) "
          f"{result['upload_rss'] / mb:.0f} MB; process peak so far "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--no-xlsx", action="store_true")
    args = parser.parse_args()

    odoo = find_odoo()
    prepare_database(odoo, DB, "callcenter_cati")
    odoo_package, registry = open_registry(odoo, DB)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "sample.csv"
        started = time.monotonic()
        write_csv(csv_path, args.rows)
        print(f"generated {args.rows:,} CSV rows in {time.monotonic() - started:.0f} s", flush=True)
        campaign_id, lead_id = setup_campaign(odoo_package, registry)
        report("CSV", csv_path, run_import(odoo_package, registry, campaign_id, lead_id,
                                           csv_path, args.batch_size))
        csv_path.unlink()
        if args.no_xlsx:
            return
        xlsx_path = Path(tmp) / "sample.xlsx"
        started = time.monotonic()
        write_xlsx(xlsx_path, args.xlsx_rows)
        print(f"generated {args.xlsx_rows:,} XLSX rows in {time.monotonic() - started:.0f} s",
              flush=True)
        campaign_id, lead_id = setup_campaign(odoo_package, registry)
        report("XLSX", xlsx_path, run_import(odoo_package, registry, campaign_id, lead_id,
                                             xlsx_path, args.batch_size))


if __name__ == "__main__":
    main()
