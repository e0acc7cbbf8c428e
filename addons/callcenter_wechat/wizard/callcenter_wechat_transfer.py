# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CallcenterWechatTransfer(models.TransientModel):
    _name = "callcenter.wechat.transfer"
    _description = "Transfer a WeChat Conversation"

    conversation_id = fields.Many2one("callcenter.wechat.conversation", required=True)
    current_agent_id = fields.Many2one(related="conversation_id.agent_id", string="Current Agent")
    current_queue_id = fields.Many2one(related="conversation_id.queue_id", string="Current Queue")
    target = fields.Selection([("agent", "An agent"), ("queue", "A queue")], default="agent", required=True)
    agent_id = fields.Many2one(
        "callcenter.agent", domain="[('id', '!=', current_agent_id), ('state', 'not in', ('logged_out', 'paused'))]",
    )
    queue_id = fields.Many2one("callcenter.queue")
    reason = fields.Char(help="Kept in the conversation's history.")

    @api.onchange("target")
    def _onchange_target(self):
        if self.target == "agent":
            self.queue_id = False
        else:
            self.agent_id = False
            self.queue_id = self.queue_id or self.current_queue_id

    def action_confirm(self):
        self.ensure_one()
        if self.target == "agent" and not self.agent_id:
            raise UserError(_("Choose the agent to transfer to."))
        if self.target == "queue" and not self.queue_id:
            raise UserError(_("Choose the queue to transfer to."))
        self.conversation_id._wechat_transfer(
            agent=self.agent_id if self.target == "agent" else None,
            queue=self.queue_id if self.target == "queue" else None,
            reason=(self.reason or "").strip() or None,
        )
        return {"type": "ir.actions.act_window_close"}
