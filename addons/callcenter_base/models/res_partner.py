# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models

from ..tools.phone import normalize_number

VIP_LEVELS = [("0", "Regular"), ("1", "Silver"), ("2", "Gold"), ("3", "Platinum")]


class ResPartner(models.Model):
    _inherit = "res.partner"

    callcenter_phone_key = fields.Char(
        compute="_compute_callcenter_number_keys", store=True, index="btree_not_null",
        copy=False, help="Phone in the suite's canonical form, for call matching.",
    )
    callcenter_mobile_key = fields.Char(
        compute="_compute_callcenter_number_keys", store=True, index="btree_not_null",
        copy=False, help="Mobile in the suite's canonical form, for call matching.",
    )
    callcenter_call_ids = fields.One2many(
        "callcenter.call", "partner_id", string="Calls",
        groups="callcenter_base.group_callcenter_agent",
    )
    callcenter_call_count = fields.Integer(
        compute="_compute_callcenter_call_stats", string="Call Count",
        groups="callcenter_base.group_callcenter_agent",
    )
    callcenter_last_call_at = fields.Datetime(
        compute="_compute_callcenter_call_stats", string="Last Call",
        groups="callcenter_base.group_callcenter_agent",
    )
    callcenter_vip_level = fields.Selection(
        VIP_LEVELS, string="VIP Level", default="0", required=True,
        help="Raises the queue priority of this contact's calls.",
    )
    callcenter_blacklisted = fields.Boolean(
        compute="_compute_callcenter_blacklisted", string="Blacklisted",
        groups="callcenter_base.group_callcenter_agent",
    )

    @api.depends("phone", "mobile", "country_id")
    def _compute_callcenter_number_keys(self):
        default_region = self.env["callcenter.pbx"]._callcenter_default_region()
        for partner in self:
            region = partner.country_id.code or default_region
            partner.callcenter_phone_key = normalize_number(partner.phone, region) or False
            partner.callcenter_mobile_key = normalize_number(partner.mobile, region) or False

    def _compute_callcenter_call_stats(self):
        stats = {
            partner: (count, last)
            for partner, count, last in self.env["callcenter.call"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count", "started_at:max"]
            )
        }
        for partner in self:
            partner.callcenter_call_count, partner.callcenter_last_call_at = stats.get(
                partner, (0, False)
            )

    def _compute_callcenter_blacklisted(self):
        Blacklist = self.env["callcenter.blacklist"]
        for partner in self:
            keys = {partner.callcenter_phone_key, partner.callcenter_mobile_key} - {False}
            partner.callcenter_blacklisted = any(Blacklist._callcenter_match(key) for key in keys)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_callcenter_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("callcenter_base.callcenter_call_action")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_match_numbers(self, numbers):
        """Partners per number, matched on the indexed canonical keys in one query.

        Returns {number as given: partners}, most recently changed partner first.
        """
        region = self.env["callcenter.pbx"]._callcenter_default_region()
        keys = {}
        for number in numbers:
            key = normalize_number(number, region)
            if key:
                keys.setdefault(key, []).append(number)
        if not keys:
            return {}
        partners = self.search(
            ["|", ("callcenter_phone_key", "in", list(keys)),
             ("callcenter_mobile_key", "in", list(keys))],
            order="write_date desc, id desc",
        )
        result = defaultdict(lambda: self.browse())
        for partner in partners:
            for key in {partner.callcenter_phone_key, partner.callcenter_mobile_key}:
                for number in keys.get(key, ()):
                    result[number] |= partner
        return dict(result)

    def _callcenter_pop_open_items(self):
        """Open work about this contact shown in the screen pop; feature addons extend it
        (tickets, conversations) with dicts {model, id, name, state}."""
        self.ensure_one()
        return []

    @api.model
    def _callcenter_find_by_number(self, number):
        return self._callcenter_match_numbers([number]).get(number, self.browse())
