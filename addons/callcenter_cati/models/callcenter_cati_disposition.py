# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

AAPOR_CATEGORIES = [
    ("I", "Complete interview (I)"),
    ("P", "Partial interview (P)"),
    ("R", "Refusal and break-off (R)"),
    ("NC", "Non-contact (NC)"),
    ("O", "Other eligible (O)"),
    ("UH", "Unknown if household (UH)"),
    ("UO", "Unknown, other (UO)"),
    ("NE", "Not eligible (NE)"),
]
ELIGIBILITY = {"I": "eligible", "P": "eligible", "R": "eligible", "NC": "eligible",
               "O": "eligible", "UH": "unknown", "UO": "unknown", "NE": "not_eligible"}


class CallcenterCatiDisposition(models.Model):
    """An outcome code an interviewer (or the dialer) gives an attempt.

    Codes follow AAPOR's Standard Definitions for telephone surveys, so that the
    response, cooperation, refusal and contact rates can be computed from them;
    the flags decide what happens to the case next.
    """

    _name = "callcenter.cati.disposition"
    _description = "CATI Disposition"
    _order = "sequence, code"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="AAPOR outcome code, e.g. 1.1 or 2.111.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    aapor_category = fields.Selection(AAPOR_CATEGORIES, string="AAPOR Category", required=True)
    eligibility = fields.Selection(
        [("eligible", "Eligible"), ("unknown", "Unknown"), ("not_eligible", "Not Eligible")],
        compute="_compute_eligibility", store=True,
    )
    is_contact = fields.Boolean(string="Contacted", help="Someone at the number was reached.")
    is_complete = fields.Boolean(string="Complete", help="Counts towards quotas.")
    is_final = fields.Boolean(string="Final", help="The case is closed: it is never called again.")
    try_again = fields.Boolean(help="The case is called again after the retry delay.")
    try_other_number = fields.Boolean(
        help="This number is not used again; the case goes on with its other numbers.")
    is_appointment = fields.Boolean(
        string="Appointment", help="The interviewer gives a callback time.")
    note_required = fields.Boolean(help="The interviewer must write a note.")
    retry_minutes = fields.Integer(
        string="Retry Delay (minutes)", default=60,
        help="When the case becomes callable again.")
    dialer_result = fields.Selection(
        [("abandoned", "Abandoned by the dialer"), ("no_answer", "No answer"),
         ("busy", "Busy"), ("congestion", "Network failure")],
        help="Given automatically when the dialer's call ends this way without an interviewer.")
    shortcut = fields.Char(size=1, help="Key that gives this disposition in the console.")
    color = fields.Integer()

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Disposition codes must be unique."),
    ]

    @api.depends("aapor_category")
    def _compute_eligibility(self):
        for disposition in self:
            disposition.eligibility = ELIGIBILITY.get(disposition.aapor_category, "unknown")

    @api.depends("code", "name")
    def _compute_display_name(self):
        for disposition in self:
            disposition.display_name = f"{disposition.code} {disposition.name}"

    @api.model
    def _cati_for_dialer_result(self, result):
        return self.search([("dialer_result", "=", result)], limit=1)
