# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re


from odoo import api, fields, models, modules
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render_placeholders(text, values):
    """Replaces ``{name}`` by ``values[name]``; unknown names stay as they are.

    A plain substitution rather than ``str.format``: the texts are edited by
    users and must not reach attributes or items of the values.
    """
    if not text:
        return text or ""
    return PLACEHOLDER.sub(
        lambda match: str(values[match[1]]) if match[1] in values else match[0], text
    )


class CallcenterWechatTemplate(models.Model):
    """A WeChat template message sent to a contact's followers when another
    module raises an event (e.g. a ticket changing stage)."""

    _name = "callcenter.wechat.template"
    _description = "WeChat Template Message"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    template_id = fields.Char(
        string="WeChat Template ID", required=True,
        help="The template's ID in the Official Account's template library.",
    )
    event_code = fields.Char(
        required=True, index=True,
        help="The event that sends it, raised by another module, e.g. helpdesk.ticket.stage.",
    )
    url = fields.Char(string="URL", help="Opened when the follower taps the message; may use {placeholders}.")
    line_ids = fields.One2many("callcenter.wechat.template.line", "template_id", string="Fields")

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    @api.model
    def _wechat_notify(self, event_code, partner, values, url=None):
        """Sends every active template of ``event_code`` to the partner's followers.

        Other modules call this when something the customer cares about happens,
        inside their own transaction: the messages are only queued, and sent by a
        cron once that transaction has committed. A rolled-back change therefore
        notifies nobody, and a slow or unreachable WeChat never holds up the user.

        :param event_code: e.g. ``helpdesk.ticket.stage``
        :param partner: the contact; only their subscribed, bound followers receive it
        :param values: ``{placeholder: value}`` for the lines and the URL
        :param url: the page the message opens, instead of the template's URL
        :return: the queued outbound ``callcenter.wechat.message`` records
        """
        Message = self.env["callcenter.wechat.message"]
        if not partner:
            return Message
        # sudo: the caller (e.g. a helpdesk user changing a ticket) need not be a
        # call-center user; templates and followers are read only to notify the
        # partner the caller already acted upon.
        templates = self.sudo().search([
            ("event_code", "=", event_code), ("account_id.active", "=", True),
        ])
        followers = self.env["callcenter.wechat.follower"].sudo().search([
            ("partner_id", "in", partner.ids),
            ("subscribed", "=", True),
            ("account_id", "in", templates.account_id.ids),
        ])
        messages = Message.sudo().create([
            template._wechat_message_values(follower, values, url)
            for template in templates
            for follower in followers.filtered(lambda f, t=template: f.account_id == t.account_id)
        ])
        if messages:
            self.env.ref("callcenter_wechat.ir_cron_callcenter_wechat_send_templates")._trigger()
        return messages

    def _wechat_message_values(self, follower, values, url=None):
        """The queued message of this template for one follower, in their language."""
        self.ensure_one()
        template = self.with_context(lang=follower.partner_id.lang or self.env.lang)
        data = {}
        for line in template.line_ids:
            data[line.key] = {"value": render_placeholders(line.value, values)}
            if line.color:
                data[line.key]["color"] = line.color
        link = render_placeholders(url or template.url, values) or None
        return {
            "account_id": self.account_id.id,
            "follower_id": follower.id,
            "direction": "out",
            "kind": "template",
            "title": template.name,
            "body": "\n".join(entry["value"] for entry in data.values()),
            "url": link,
            "template_ref": self.template_id,
            "template_data": data,
            "state": "queued",
        }

    @api.model
    def _wechat_send_queued(self, limit=200):
        """Sends queued template messages, each committed on its own.

        A message is claimed with SKIP LOCKED so that two cron workers never send
        it twice, and committed right after WeChat answers: a crash later in the
        run cannot send it again. A follower WeChat refuses gets a failed message
        with the reason; the others still get theirs.
        """
        Message = self.env["callcenter.wechat.message"].sudo()
        for message_id in Message.search([("state", "=", "queued"), ("kind", "=", "template")],
                                         order="id", limit=limit).ids:
            self.env.cr.execute(SQL(
                "SELECT id FROM callcenter_wechat_message WHERE id = %s AND state = 'queued' "
                "FOR UPDATE SKIP LOCKED", message_id,
            ))
            if not self.env.cr.fetchone():
                continue
            sent_or_refused = Message.browse(message_id)._wechat_send_template()
            if not modules.module.current_test:
                self.env.cr.commit()
            if not sent_or_refused:
                break
