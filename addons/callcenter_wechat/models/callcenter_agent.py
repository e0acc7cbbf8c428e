# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .callcenter_wechat_conversation import ROUTABLE_AGENT_STATES


class CallcenterAgent(models.Model):
    _inherit = "callcenter.agent"

    wechat_last_assigned_at = fields.Datetime(
        string="Last WeChat Assignment", readonly=True,
        help="Among equally loaded agents, the one assigned longest ago gets the next "
        "conversation. Every assignment writes it, which also serializes concurrent "
        "assignments to the agent.",
    )
    wechat_conversation_ids = fields.One2many(
        "callcenter.wechat.conversation", "agent_id", string="WeChat Conversations"
    )

    def write(self, vals):
        grown = self.browse()
        if "chat_capacity" in vals:
            capacity = vals["chat_capacity"] or 0
            grown = self.filtered(lambda agent: agent.chat_capacity < capacity)
        result = super().write(vals)
        if grown:
            self.env["callcenter.wechat.conversation"]._wechat_release(grown)
        return result

    def _callcenter_set_state(self, state, pause_reason=False, at=None):
        """Agents who log in or come back from a pause get the waiting conversations
        of their queues."""
        routable_before = {agent.id for agent in self if agent.state in ROUTABLE_AGENT_STATES}
        changed = super()._callcenter_set_state(state, pause_reason=pause_reason, at=at)
        if state in ROUTABLE_AGENT_STATES:
            became_routable = changed.filtered(lambda agent: agent.id not in routable_before)
            if became_routable:
                self.env["callcenter.wechat.conversation"]._wechat_release(became_routable)
        return changed
