# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.phone import normalize_number, normalize_prefix

BLACKLIST_DIRECTIONS = [
    ("inbound", "Inbound"),
    ("outbound", "Outbound"),
    ("both", "Both"),
]


class CallcenterBlacklist(models.Model):
    _name = "callcenter.blacklist"
    _description = "Blacklisted Number"
    _order = "create_date desc, id desc"
    _rec_name = "number"

    number = fields.Char(required=True, help="A full number, or the start of numbers when Prefix is set.")
    is_prefix = fields.Boolean(string="Prefix", help="Block every number that starts with this.")
    number_normalized = fields.Char(
        compute="_compute_number_normalized", store=True, index=True, precompute=True
    )
    direction = fields.Selection(BLACKLIST_DIRECTIONS, default="inbound", required=True)
    reason = fields.Char(required=True, translate=False)
    date_expiry = fields.Datetime(
        string="Expires On", index=True, help="Empty: blocked until removed."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("number", "is_prefix")
    def _compute_number_normalized(self):
        region = self.env["callcenter.pbx"]._callcenter_default_region()
        for entry in self:
            normalize = normalize_prefix if entry.is_prefix else normalize_number
            entry.number_normalized = normalize(entry.number, region)

    @api.constrains("number_normalized")
    def _check_number(self):
        for entry in self:
            if not entry.number_normalized:
                raise ValidationError(_("%(number)s is not a phone number.", number=entry.number))

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_match(self, number, direction="inbound"):
        """Active, unexpired entries that block `number` (already normalized or raw) for `direction`."""
        region = self.env["callcenter.pbx"]._callcenter_default_region()
        key = normalize_number(number, region)
        if not key:
            return self.browse()
        query = self._search([
            ("direction", "in", (direction, "both")),
            "|", ("date_expiry", "=", False), ("date_expiry", ">", fields.Datetime.now()),
        ])
        query.add_where(SQL(
            "(%(col)s = %(key)s OR (%(prefix)s AND starts_with(%(key)s, %(col)s)))",
            col=SQL.identifier(query.table, "number_normalized"),
            prefix=SQL.identifier(query.table, "is_prefix"),
            key=key,
        ))
        return self.browse(query.get_result_ids())
