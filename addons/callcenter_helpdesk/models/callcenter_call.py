# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.tools import format_datetime, html_escape, plaintext2html


class CallcenterCall(models.Model):
    # An extension in place, not a new model: its access rules are callcenter_base's. Odoo
    # wants _name spelled out when _inherit lists a mixin beside the model itself.
    _name = "callcenter.call"
    _inherit = ["callcenter.call", "callcenter.helpdesk.ticket.source.mixin"]
    _callcenter_ticket_link_field = "callcenter_call_ids"

    helpdesk_ticket_ids = fields.Many2many(
        "helpdesk.ticket", "callcenter_call_helpdesk_ticket_rel", "call_id", "ticket_id",
        string="Tickets", copy=False,
    )
    helpdesk_ticket_count = fields.Integer(compute="_compute_helpdesk_ticket_count",
                                           string="Ticket Count")

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_ticket_values(self):
        """A new ticket about this call: besides the contact, the call and its queue's
        team, a title and description from the call's summary and the phone channel."""
        values = super()._callcenter_ticket_values()
        party = self.partner_id.display_name or self.customer_number or _("unknown caller")
        when = format_datetime(self.env, self.started_at, dt_format="short")
        if self.summary:
            title = self._callcenter_ticket_title(self.summary)
            description = plaintext2html(self.summary)
        else:
            title = _("Call from %(party)s", party=party) if self.direction != "outbound" \
                else _("Call to %(party)s", party=party)
            text = _("Ticket opened from the call of %(when)s with %(party)s.",
                     when=when, party=party)
            description = f"<p>{html_escape(text)}</p>"
        channel = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone",
                               raise_if_not_found=False)
        values.update({
            "name": title,
            "description": description,
            "partner_name": values["partner_name"] or self._callcenter_customer_name() or False,
            "channel_id": channel.id if channel else False,
        })
        return values
