# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from .helpdesk_ticket import COMPLAINT_STEPS

AGE_BUCKETS = [
    ("0_1", "Less than 1 day"),
    ("1_3", "1 to 3 days"),
    ("3_7", "3 to 7 days"),
    ("7_plus", "More than 7 days"),
]


class CallcenterHelpdeskComplaintReport(models.Model):
    """Open complaints (tickets of a complaint category not in a closed stage) with
    their age, so team leads see which ones are getting old."""

    _name = "callcenter.helpdesk.complaint.report"
    _description = "Open Complaints by Age"
    _auto = False
    _order = "age_days desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one("helpdesk.ticket", string="Ticket", readonly=True)
    name = fields.Char(string="Title", readonly=True)
    create_date = fields.Datetime(string="Received On", readonly=True)
    age_days = fields.Float(string="Age (days)", readonly=True, aggregator="avg", digits=(16, 1))
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    complaint_step = fields.Selection(COMPLAINT_STEPS, string="Step", readonly=True)
    stage_id = fields.Many2one("helpdesk.ticket.stage", string="Stage", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", string="Team", readonly=True)
    category_id = fields.Many2one("helpdesk.ticket.category", string="Category", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned To", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    complaint_count = fields.Integer(string="Complaints", readonly=True)

    def _query(self):
        age = SQL("EXTRACT(EPOCH FROM ((NOW() AT TIME ZONE 'UTC') - t.create_date)) / 86400.0")
        return SQL(
            """
            SELECT t.id AS id,
                   t.id AS ticket_id,
                   t.name AS name,
                   t.create_date AS create_date,
                   %(age)s AS age_days,
                   CASE WHEN %(age)s < 1 THEN '0_1'
                        WHEN %(age)s < 3 THEN '1_3'
                        WHEN %(age)s < 7 THEN '3_7'
                        ELSE '7_plus' END AS age_bucket,
                   t.complaint_step AS complaint_step,
                   t.stage_id AS stage_id,
                   t.team_id AS team_id,
                   t.category_id AS category_id,
                   t.user_id AS user_id,
                   t.partner_id AS partner_id,
                   t.company_id AS company_id,
                   1 AS complaint_count
              FROM helpdesk_ticket t
              JOIN helpdesk_ticket_category c ON c.id = t.category_id
              LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
             WHERE c.complaint IS TRUE
               AND t.active IS TRUE
               AND COALESCE(s.closed, FALSE) IS FALSE
            """,
            age=age,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
