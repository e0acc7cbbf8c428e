import base64
import os

from odoo import _, api, fields, models


class CallcenterVoicemail(models.Model):
    """A message left in an IVR mailbox. The audio is an attachment of this record,
    so only those who may read the voicemail (its agent, the queue's agents for a
    queue mailbox, their team leads and managers) may hear it."""

    _name = "callcenter.voicemail"
    _description = "Voicemail"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "received_at desc, id desc"

    name = fields.Char(required=True)
    pbx_id = fields.Many2one("callcenter.pbx", string="PBX", required=True, index=True,
                             ondelete="cascade")
    company_id = fields.Many2one("res.company", index=True)
    call_id = fields.Many2one("callcenter.call", string="Call", index=True, ondelete="set null")
    session_id = fields.Many2one("callcenter.ivr.session", string="IVR Session", ondelete="set null")
    linkedid = fields.Char(string="Linked ID", index=True)
    agent_id = fields.Many2one("callcenter.agent", string="Agent", index=True, ondelete="set null")
    queue_id = fields.Many2one("callcenter.queue", string="Queue", index=True, ondelete="set null")
    caller = fields.Char(string="Caller Number")
    partner_id = fields.Many2one("res.partner", string="Contact", index="btree_not_null")
    received_at = fields.Datetime(default=fields.Datetime.now, required=True, index=True)
    duration = fields.Float(string="Length (s)", digits=(8, 1))
    audio_attachment_id = fields.Many2one("ir.attachment", string="Message", copy=False)
    filename = fields.Char(string="File on the PBX")
    state = fields.Selection([("new", "New"), ("heard", "Heard"), ("done", "Done")],
                             default="new", required=True, tracking=True, index=True)

    @api.model
    def _callcenter_from_fact(self, pbx, session, call, fact):
        info = fact["voicemail"]
        if not isinstance(info, dict) or self.search_count(
                [("pbx_id", "=", pbx.id), ("linkedid", "=", fact["linkedid"]),
                 ("filename", "=", info.get("filename") or False)]):
            return self.browse()
        agent = self.env["callcenter.agent"].browse(int(info.get("agent") or 0)).exists()
        queue = self.env["callcenter.queue"].browse(int(info.get("queue") or 0)).exists()
        agent = agent if agent.pbx_id in (pbx, self.env["callcenter.pbx"]) else agent.browse()
        queue = queue if queue.pbx_id in (pbx, self.env["callcenter.pbx"]) else queue.browse()
        caller = session.caller or ""
        partner = session.partner_id or (
            caller and self.env["res.partner"]._callcenter_find_by_number(caller)[:1])
        voicemail = self.create({
            "name": _("Voicemail from %(caller)s", caller=partner.name or caller or _("unknown")),
            "pbx_id": pbx.id, "company_id": pbx.company_id.id, "call_id": call.id if call else False,
            "session_id": session.id, "linkedid": fact["linkedid"], "agent_id": agent.id,
            "queue_id": queue.id, "caller": caller, "partner_id": partner.id if partner else False,
            "received_at": session.ended or fields.Datetime.now(),
            "duration": float(info.get("duration") or 0.0),
            "filename": info.get("filename") or False,
        })
        content = info.get("content_b64") or pbx._callcenter_read_pbx_file(info.get("filename"))
        if content:
            attachment = self.env["ir.attachment"].create({
                "name": os.path.basename(info.get("filename") or "") or f"voicemail-{voicemail.id}.wav",
                "res_model": self._name, "res_id": voicemail.id,
                "datas": content if isinstance(content, (bytes, str)) else base64.b64encode(content),
                "mimetype": info.get("mimetype") or "audio/wav",
            })
            voicemail.audio_attachment_id = attachment
        voicemail._callcenter_notify_owner()
        return voicemail

    def _callcenter_owners(self):
        self.ensure_one()
        if self.agent_id:
            return self.agent_id.user_id
        return self.queue_id.team_lead_ids or self.queue_id.agent_ids.user_id

    def _callcenter_notify_owner(self):
        activity_type = self.env.ref("callcenter_ivr.mail_activity_type_voicemail")
        for voicemail in self:
            owners = voicemail._callcenter_owners().filtered(lambda u: not u.share)
            voicemail.message_subscribe(partner_ids=owners.partner_id.ids)
            for user in owners:
                voicemail.activity_schedule(
                    activity_type_id=activity_type.id, user_id=user.id,
                    summary=_("Listen to the voicemail of %(caller)s", caller=voicemail.caller or "?"),
                )

    def action_mark_heard(self):
        self.filtered(lambda v: v.state == "new").state = "heard"
        self.activity_feedback(["callcenter_ivr.mail_activity_type_voicemail"])

    def action_mark_done(self):
        self.state = "done"
        self.activity_feedback(["callcenter_ivr.mail_activity_type_voicemail"])
