# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

MAX_BOOST = 50


def json_text(value):
    """A JSON value as PostgreSQL's `->>` gives it, so that Python and SQL agree."""
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


class CallcenterCatiQuota(models.Model):
    """A quota cell (e.g. women × north) and its target number of completes.

    Conditions on sample fields are known before the call: a full cell closes its
    remaining cases at once, and a lagging one raises their rank. Conditions on
    survey answers are only known at the end of an interview: a complete that
    lands in a full cell is screened out as "quota full".
    """

    _name = "callcenter.cati.quota"
    _description = "CATI Quota Cell"
    _order = "campaign_id, sequence, id"

    campaign_id = fields.Many2one("callcenter.cati.campaign", required=True, index=True,
                                  ondelete="cascade")
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    target = fields.Integer(required=True, default=100)
    complete_count = fields.Integer(string="Completes", readonly=True, copy=False)
    state = fields.Selection([("open", "Open"), ("full", "Full")], default="open", required=True,
                             readonly=True, copy=False)
    progress = fields.Float(compute="_compute_progress")
    boost = fields.Integer(readonly=True, copy=False,
                           help="Rank added to this cell's cases because it lags behind.")
    condition_ids = fields.One2many("callcenter.cati.quota.condition", "quota_id", copy=True)

    _sql_constraints = [
        ("target_positive", "CHECK(target > 0)", "A quota target must be positive."),
    ]

    @api.depends("complete_count", "target")
    def _compute_progress(self):
        for quota in self:
            quota.progress = 100.0 * quota.complete_count / quota.target if quota.target else 0.0

    @api.constrains("condition_ids")
    def _check_conditions(self):
        for quota in self:
            if not quota.condition_ids:
                raise ValidationError(_("Quota %(name)s needs at least one condition.", name=quota.name))

    def _cati_sample_conditions(self):
        return self.condition_ids.filtered(lambda c: c.source == "sample")

    def _cati_matches(self, case):
        self.ensure_one()
        return all(condition._cati_matches(case) for condition in self.condition_ids)

    def _cati_full_cells(self, case):
        return self.filtered(lambda q: q.state == "full" and q._cati_matches(case))

    def _cati_count_complete(self, case):
        """Count `case`'s complete in its cells; close the cells that it fills."""
        for quota in self.filtered(lambda q: q._cati_matches(case)):
            quota.complete_count += 1
            if quota.state == "open" and quota.complete_count >= quota.target:
                quota.state = "full"
                quota._cati_close_cases()

    def _cati_sample_filter(self):
        """SQL over the case table's JSON data for this cell's sample conditions, or None
        when the cell also depends on survey answers (not known before the call)."""
        self.ensure_one()
        if not self.condition_ids or any(c.source != "sample" for c in self.condition_ids):
            return None
        return SQL(" AND ").join(
            SQL("data->>%s = %s", c.field_id.key, c.value or "") for c in self.condition_ids)

    def _cati_close_cases(self):
        """A full cell's remaining cases are closed as "quota full"."""
        disposition = self.env.ref("callcenter_cati.disposition_quota_full")
        Case = self.env["callcenter.cati.case"]
        Case.flush_model()
        for quota in self:
            condition = quota._cati_sample_filter()
            if condition is None:
                continue
            self.env.cr.execute(SQL("""
                UPDATE callcenter_cati_case
                   SET state = 'done', disposition_id = %(disposition)s,
                       aapor_category = %(category)s, write_date = now() AT TIME ZONE 'UTC'
                 WHERE campaign_id = %(campaign)s AND state IN ('new', 'retry', 'appointment')
                   AND %(condition)s
            """, disposition=disposition.id, category=disposition.aapor_category,
                campaign=quota.campaign_id.id, condition=condition))
        Case.invalidate_model(["state", "disposition_id", "aapor_category"])

    def _cati_refresh_priorities(self):
        """Boost the rank of cases in cells that lag behind the campaign's average
        progress, up to MAX_BOOST, in proportion to the lag."""
        Case = self.env["callcenter.cati.case"]
        Case.flush_model()
        for campaign in self.campaign_id:
            cells = campaign.quota_ids.filtered(
                lambda q: q.state == "open" and q._cati_sample_filter() is not None)
            ratios = {cell: cell.complete_count / cell.target for cell in cells}
            mean = sum(ratios.values()) / len(ratios) if ratios else 0.0
            self.env.cr.execute(SQL("""
                UPDATE callcenter_cati_case SET quota_boost = 0, rank = priority
                 WHERE campaign_id = %s AND state IN ('new', 'retry') AND quota_boost != 0
            """, campaign.id))
            for cell, ratio in ratios.items():
                boost = round(MAX_BOOST * (mean - ratio) / mean) if mean > 0 and ratio < mean else 0
                cell.boost = min(MAX_BOOST, boost)
                if cell.boost:
                    self.env.cr.execute(SQL("""
                        UPDATE callcenter_cati_case
                           SET quota_boost = GREATEST(quota_boost, %(boost)s),
                               rank = priority + GREATEST(quota_boost, %(boost)s)
                         WHERE campaign_id = %(campaign)s AND state IN ('new', 'retry')
                           AND %(condition)s
                    """, boost=cell.boost, campaign=campaign.id,
                        condition=cell._cati_sample_filter()))
        Case.invalidate_model(["quota_boost", "rank"])

    @api.model
    def _cron_refresh_priorities(self):
        campaigns = self.env["callcenter.cati.campaign"].search([("state", "=", "running")])
        campaigns.quota_ids._cati_refresh_priorities()
