# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from odoo.addons.callcenter_base.tests.common import run_at_once

from .common import MONDAY_0200_UTC

PICKERS = 20
CASES = 300


@tagged("callcenter", "post_install", "-at_install")
class TestConcurrentPicks(BaseCase):
    """Twenty pickers on their own database connections and transactions, all at
    once: every case is handed out exactly once (SKIP LOCKED), nobody waits."""

    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(get_db_name())
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            campaign = env["callcenter.cati.campaign"].create({
                "name": "Concurrency",
                "window_ids": [(0, 0, {"weekday": str(day), "hour_from": 0, "hour_to": 24})
                               for day in range(7)],
            })
            env["callcenter.cati.case"].create([
                {"campaign_id": campaign.id, "name": f"R{index}", "tz": "Asia/Shanghai",
                 "priority": index % 100} for index in range(CASES)])
            self.campaign_id = campaign.id
            cr.commit()
        self.addCleanup(self._drop)

    def _drop(self):
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["callcenter.cati.campaign"].browse(self.campaign_id).unlink()
            cr.commit()

    def test_every_case_once(self):
        picked = []

        def picker(env, barrier):
            campaign = env["callcenter.cati.campaign"].browse(self.campaign_id)
            barrier.wait()
            while True:
                cases = env["callcenter.cati.case"]._cati_pick(campaign, now=MONDAY_0200_UTC)
                env.cr.commit()
                if not cases:
                    return
                picked.extend(cases.ids)

        errors = run_at_once(self.db, picker, [()] * PICKERS, timeout=90)
        self.assertEqual(errors, [])
        duplicates = [case for case, count in Counter(picked).items() if count > 1]
        self.assertEqual(duplicates, [])
        self.assertEqual(len(picked), CASES)

    def _pick(self, cr, limit=1):
        env = api.Environment(cr, SUPERUSER_ID, {})
        campaign = env["callcenter.cati.campaign"].browse(self.campaign_id)
        return env["callcenter.cati.case"]._cati_pick(campaign, limit=limit, now=MONDAY_0200_UTC)

    def _taken_since_snapshot(self, limit, taken):
        """Pick `limit` cases in a transaction whose snapshot predates `taken` cases
        picked and committed by another: the head of the queue looks callable to it,
        and locking it fails inside the lock function."""
        with self.db.cursor() as late, self.db.cursor() as early:
            early.execute("SELECT count(*) FROM callcenter_cati_case")  # the snapshot
            others = self._pick(late, limit=taken).ids
            late.commit()
            mine = self._pick(early, limit=limit)
            self.assertEqual(set(mine.mapped("state")), {"locked"})
            ids = mine.ids
            early.commit()
        self.assertFalse(set(ids) & set(others))
        return ids, others

    def test_snapshot_older_than_the_head_skips_past_it(self):
        ids, _others = self._taken_since_snapshot(limit=1, taken=5)
        self.assertEqual(len(ids), 1)

    def test_window_short_of_cases_tries_each_candidate(self):
        ids, others = self._taken_since_snapshot(limit=CASES, taken=3)
        self.assertEqual(len(ids), CASES - len(others))
