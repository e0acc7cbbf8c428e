# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import mimetypes
import re
from datetime import datetime, timedelta

import psycopg2
import requests
from wechatpy.exceptions import WeChatClientException

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.client import WeChatNetworkError

_logger = logging.getLogger(__name__)

CONVERSATION_STATES = [
    ("waiting", "Waiting"),
    ("open", "Open"),
    ("closed", "Closed"),
]
CONVERSATION_TRANSITIONS = {
    "waiting": {"open", "closed"},
    "open": {"waiting", "closed"},
    "closed": set(),
}
"""Allowed state changes: waiting to open by assignment, open back to waiting by a
transfer to a queue, either to closed. A closed conversation stays closed: the
customer's next message opens a new one."""
ACTIVE_STATES = ("waiting", "open")
REPLY_WINDOW = timedelta(hours=48)
OUT_OF_WINDOW_ERRCODE = 45015
ROUTABLE_AGENT_STATES = ("available", "ringing", "on_call", "wrapup")
"""Logged in and not paused. Calls do not count against the chat capacity, so an
agent on a call still receives conversations."""
MEDIA_KINDS = ("image", "voice", "video", "shortvideo")
MEDIA_MIMETYPES = {
    "image": "image/jpeg",
    "video": "video/mp4",
    "shortvideo": "video/mp4",
}
VOICE_MIMETYPES = {"amr": "audio/amr", "speex": "audio/x-speex", "mp3": "audio/mpeg"}
MEDIA_DOWNLOAD_TIMEOUT = 30
"""Seconds to fetch a video from the URL WeChat gives for it."""
IMAGE_MIMETYPES = ("image/jpeg", "image/png", "image/gif", "image/bmp")
IMAGE_MAX_BYTES = 10 * 1024 * 1024
"""WeChat's limit for an uploaded temporary image."""
INBOX_WAITING_LIMIT = 100
PREVIEW_LENGTH = 80
BUS_TYPE = "callcenter.wechat.conversation/update"
FILENAME_RE = re.compile(r'filename="?([^";]+)"?')


class CallcenterWechatConversation(models.Model):
    _name = "callcenter.wechat.conversation"
    _description = "WeChat Conversation"
    _inherit = ["mail.thread"]
    _order = "last_message_at desc, id desc"

    name = fields.Char(related="follower_id.name")
    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    follower_id = fields.Many2one(
        "callcenter.wechat.follower", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(related="follower_id.partner_id", store=True, index="btree_not_null")
    queue_id = fields.Many2one("callcenter.queue", index=True, tracking=True, readonly=True)
    agent_id = fields.Many2one("callcenter.agent", index=True, tracking=True, readonly=True)
    user_id = fields.Many2one(related="agent_id.user_id", store=True, index=True, string="Agent User")
    state = fields.Selection(
        CONVERSATION_STATES, default="waiting", required=True, index=True, tracking=True,
        readonly=True,
    )
    started_at = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    assigned_at = fields.Datetime(readonly=True)
    first_response_at = fields.Datetime(readonly=True)
    first_response_seconds = fields.Integer(
        readonly=True, aggregator="avg",
        help="From the conversation's first message to the agent's first reply.",
    )
    last_inbound_at = fields.Datetime(readonly=True)
    last_message_at = fields.Datetime(readonly=True, index=True)
    closed_at = fields.Datetime(readonly=True)
    disposition_id = fields.Many2one("callcenter.call.disposition", readonly=True, tracking=True)
    close_note = fields.Text(readonly=True)
    wechat_message_ids = fields.One2many(
        "callcenter.wechat.message", "conversation_id", string="WeChat Messages"
    )
    unread_count = fields.Integer(readonly=True, help="Customer messages since the agent's last reply.")
    window_expires_at = fields.Datetime(compute="_compute_window", string="Reply Window Ends")
    window_open = fields.Boolean(compute="_compute_window")
    media_missing = fields.Boolean(
        compute="_compute_media_missing",
        help="A photo, voice or video of the customer could not be downloaded from WeChat.",
    )

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    def init(self):
        # One waiting or open conversation per follower: two workers attaching the
        # same follower's messages at once cannot both open one.
        self.env.cr.execute(SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (follower_id) WHERE state != 'closed'",
            SQL.identifier(f"{self._table}_follower_active_uniq"), SQL.identifier(self._table),
        ))

    @api.depends("last_inbound_at", "follower_id.last_inbound_at")
    def _compute_window(self):
        now = fields.Datetime.now()
        for conversation in self:
            last = max(
                filter(None, (conversation.last_inbound_at, conversation.follower_id.last_inbound_at)),
                default=False,
            )
            ends = last and last + REPLY_WINDOW
            conversation.window_expires_at = ends
            conversation.window_open = bool(ends and ends > now)

    @api.depends("wechat_message_ids.attachment_id")
    def _compute_media_missing(self):
        for conversation in self:
            conversation.media_missing = any(
                message.direction == "in" and message.kind in MEDIA_KINDS and message.media_id
                and not message.attachment_id
                for message in conversation.wechat_message_ids
            )

    def write(self, vals):
        if "state" in vals:
            labels = dict(self._fields["state"]._description_selection(self.env))
            for conversation in self:
                if vals["state"] != conversation.state and (
                    vals["state"] not in CONVERSATION_TRANSITIONS[conversation.state]
                ):
                    raise UserError(_("A %(old)s conversation cannot become %(new)s.",
                                      old=labels[conversation.state], new=labels[vals["state"]]))
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_wechat_take(self):
        """The current agent takes a waiting conversation of their queue."""
        self.ensure_one()
        self.check_access("write")
        agent = self.env["callcenter.agent"]._callcenter_current_agent()
        self._wechat_lock_rows()
        if self.state == "closed":
            raise UserError(_("This conversation is closed."))
        if self.state == "open":
            if self.agent_id == agent:
                return True
            raise UserError(_("%(agent)s already answers this conversation.",
                              agent=self.agent_id.name))
        if agent not in self.queue_id.member_ids.agent_id:
            raise UserError(_("Only the agents of %(queue)s take its conversations.",
                              queue=self.queue_id.name or _("the queue")))
        # sudo: the user's write access and queue membership were checked above;
        # the assignment also updates the agent's routing bookkeeping.
        if not self.sudo()._wechat_assign(agent, wait=True):
            raise UserError(_(
                "You already answer %(count)s conversations, your chat capacity: close "
                "one before taking another.", count=agent.chat_capacity,
            ))
        self._wechat_notify("assigned", waiting_changed=True)
        return True

    def action_wechat_send_text(self, text):
        """Send `text` to the customer through the customer-service message API."""
        self.ensure_one()
        text = (text or "").strip()
        if not text:
            raise UserError(_("Write a message before sending it."))
        self._wechat_check_reply()
        account = self.account_id
        try:
            account._wechat_client().message.send_text(self.follower_id.openid, text)
        except WeChatClientException as exc:
            raise account._wechat_user_error(exc) from exc
        message = self._wechat_store_reply({"kind": "text", "body": text})
        return self._wechat_message_payload(message)[0]

    def action_wechat_send_image(self, attachment_id):
        """Upload an attachment of this conversation to WeChat and send it as an image."""
        self.ensure_one()
        attachment = self.env["ir.attachment"].browse(int(attachment_id)).exists()
        if not attachment:
            raise UserError(_("This image no longer exists."))
        attachment.check_access("read")
        if (attachment.res_model, attachment.res_id) != (self._name, self.id):
            raise UserError(_("Attach the image to this conversation before sending it."))
        if attachment.mimetype not in IMAGE_MIMETYPES:
            raise UserError(_("WeChat only takes JPEG, PNG, GIF and BMP images."))
        if attachment.file_size > IMAGE_MAX_BYTES:
            raise UserError(_("WeChat only takes images up to 10 MB."))
        self._wechat_check_reply()
        account = self.account_id
        try:
            client = account._wechat_client()
            upload = client.media.upload(
                "image", (attachment.name, attachment.raw, attachment.mimetype)
            )
            client.message.send_image(self.follower_id.openid, upload["media_id"])
        except WeChatClientException as exc:
            raise account._wechat_user_error(exc) from exc
        message = self._wechat_store_reply({
            "kind": "image", "media_id": upload["media_id"], "attachment_id": attachment.id,
        })
        return self._wechat_message_payload(message)[0]

    def action_wechat_mark_read(self):
        self.check_access("write")
        # sudo: write access was checked just above; the counter is bookkeeping.
        self.sudo().filtered("unread_count").unread_count = 0
        return True

    def action_wechat_transfer(self):
        self.ensure_one()
        self._wechat_check_handler()
        return self._wechat_wizard_action(
            "callcenter.wechat.transfer", _("Transfer the Conversation"),
            "callcenter_wechat.callcenter_wechat_transfer_view_form",
        )

    def action_wechat_close(self):
        self.ensure_one()
        self._wechat_check_handler()
        return self._wechat_wizard_action(
            "callcenter.wechat.close", _("Close the Conversation"),
            "callcenter_wechat.callcenter_wechat_close_view_form",
        )

    def action_wechat_link_partner(self, partner_id=None):
        """Bind the follower to a contact; without one, open the dialog to choose it."""
        self.ensure_one()
        self.check_access("write")
        if partner_id is None:
            return self._wechat_wizard_action(
                "callcenter.wechat.link", _("Link to a Contact"),
                "callcenter_wechat.callcenter_wechat_link_view_form",
                context={"default_partner_id": self.partner_id.id},
            )
        partner = self.env["res.partner"].browse(int(partner_id)).exists() if partner_id else \
            self.env["res.partner"]
        if partner:
            partner.check_access("read")
        follower = self.follower_id
        previous = follower.partner_id
        if previous != partner:
            follower.partner_id = partner
            body = _("Linked to %(partner)s.", partner=partner.display_name) if partner else \
                _("Unlinked from %(partner)s.", partner=previous.display_name)
            # sudo: write access was checked above; posting a note on the chatter.
            self.sudo().message_post(body=body)
        return {"partner": [partner.id, partner.display_name] if partner else False}

    def action_wechat_retry_media(self):
        """Download again the customer's media that failed, e.g. after a network outage."""
        self.check_access("write")
        # sudo: access to the conversations was checked just above; the download
        # writes the messages and creates attachments, which agents may not do.
        messages = self.sudo()._wechat_media_to_download()
        self.sudo()._wechat_download_media(messages)
        failed = messages.filtered(lambda m: not m.attachment_id)
        if failed:
            raise UserError(_("Some media could not be downloaded: %(error)s",
                              error=failed[0].media_error or ""))
        return True

    def action_view_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # UI (RPC of the agent inbox)
    # ------------------------------------------------------------

    @api.model
    def wechat_inbox(self):
        """The current user's open conversations and the waiting ones they may take.

        Record rules decide which waiting conversations show: agents see their
        queues', team leads the queues they lead, managers all.
        """
        if not self.has_access("read"):
            raise UserError(_("Only call center agents answer WeChat conversations."))
        mine = self.search([("state", "=", "open"), ("user_id", "=", self.env.uid)])
        waiting = self.search([("state", "=", "waiting")], order="started_at, id",
                              limit=INBOX_WAITING_LIMIT)
        conversations = mine | waiting
        previews = conversations._wechat_previews()
        return {
            "conversations": [
                conversation._wechat_inbox_payload(previews.get(conversation.id, ""))
                for conversation in conversations
            ],
            "waiting_count": self.search_count([("state", "=", "waiting")]),
        }

    def wechat_thread(self, after_id=0):
        """The conversation's messages after `after_id`, oldest first."""
        self.ensure_one()
        self.check_access("read")
        messages = self.env["callcenter.wechat.message"].search(
            [("conversation_id", "=", self.id), ("id", ">", int(after_id or 0))], order="id"
        )
        return self._wechat_message_payload(messages)

    # ------------------------------------------------------------
    # BUSINESS: inbound messages
    # ------------------------------------------------------------

    @api.model
    def _wechat_attach_inbound(self, messages):
        """Put received customer messages into their follower's conversation.

        Called by the message processing cron (as superuser) for customer messages
        and menu clicks. A follower without a waiting or open conversation gets a
        new one, in the clicked button's queue or else the account's. Media are
        downloaded, waiting conversations routed and the agents told.
        """
        # sudo: inbound messages are the system's work, whoever triggered the processing.
        return self.sudo()._wechat_attach_messages(messages.sudo())

    @api.model
    def _wechat_attach_messages(self, messages):
        messages = messages.filtered(
            lambda m: m.direction == "in" and not m.conversation_id
        ).sorted("id")
        if not messages:
            return self.browse()
        conversations = self.search([
            ("follower_id", "in", messages.follower_id.ids), ("state", "in", ACTIVE_STATES),
        ])
        by_follower = {conversation.follower_id: conversation for conversation in conversations}
        created = self.browse()
        was_waiting = conversations.filtered(lambda c: c.state == "waiting")
        for follower, follower_messages in messages.grouped("follower_id").items():
            times = [self._wechat_message_time(m) for m in follower_messages]
            clicked_queue = self._wechat_clicked_queue(follower_messages)
            conversation = by_follower.get(follower)
            if not conversation:
                conversation = self.with_context(mail_create_nolog=True).create({
                    "account_id": follower.account_id.id,
                    "follower_id": follower.id,
                    "queue_id": (clicked_queue or follower.account_id.queue_id).id,
                    "started_at": min(times),
                })
                created |= conversation
            elif clicked_queue and conversation.state == "waiting" and (
                clicked_queue != conversation.queue_id
            ):
                conversation.queue_id = clicked_queue
            follower_messages.conversation_id = conversation
            latest = max(times)
            conversation.write({
                "last_inbound_at": max(filter(None, (conversation.last_inbound_at, latest))),
                "last_message_at": max(filter(None, (conversation.last_message_at, latest))),
                "unread_count": conversation.unread_count + len(follower_messages),
            })
            conversations |= conversation
        self._wechat_download_media(messages)
        assigned = conversations.filtered(lambda c: c.state == "waiting")._wechat_route(notify=False)
        for conversation in conversations:
            if conversation in created:
                event = "new"
            elif conversation in assigned:
                event = "assigned"
            else:
                event = "message"
            conversation._wechat_notify(
                event, waiting_changed=conversation.state == "waiting" or conversation in was_waiting
            )
        return conversations

    @api.model
    def _wechat_clicked_queue(self, messages):
        """The queue of the last menu button clicked among `messages`, if it names one."""
        clicks = messages.filtered(lambda m: m.event == "click" and m.event_key)
        if not clicks:
            return self.env["callcenter.queue"]
        buttons = self.env["callcenter.wechat.menu.button"].search([
            ("account_id", "in", clicks.account_id.ids), ("key", "in", clicks.mapped("event_key")),
            ("kind", "=", "click"), ("queue_id", "!=", False),
        ])
        queues = {(b.account_id, b.key): b.queue_id for b in buttons}
        for click in clicks.sorted("id", reverse=True):
            queue = queues.get((click.account_id, click.event_key))
            if queue:
                return queue
        return self.env["callcenter.queue"]

    @api.model
    def _wechat_message_time(self, message):
        return message.wechat_time or message.create_date or fields.Datetime.now()

    def _wechat_media_to_download(self):
        """Customer media of these conversations without their file yet."""
        return self.env["callcenter.wechat.message"].sudo().search([
            ("conversation_id", "in", self.ids), ("direction", "=", "in"),
            ("kind", "in", MEDIA_KINDS), ("media_id", "!=", False), ("attachment_id", "=", False),
        ])

    @api.model
    def _wechat_download_media(self, messages):
        """Fetch customer media from WeChat into attachments of their conversation.

        A failure is written on the message (`media_error`), which stays in the
        thread: the download can be tried again from the conversation until
        WeChat forgets the media (three days).
        """
        pending = messages.filtered(
            lambda m: m.kind in MEDIA_KINDS and m.media_id and not m.attachment_id
            and m.conversation_id
        )
        clients = {}
        for message in pending:
            account = message.account_id
            try:
                if account not in clients:
                    clients[account] = account._wechat_client()
                content, mimetype, filename = self._wechat_fetch_media(clients[account], message)
            except WeChatClientException as exc:
                error = account._wechat_user_error(exc).args[0]
                _logger.warning("WeChat media %s of message %s not downloaded: %s",
                                message.media_id, message.id, error)
                message.media_error = error
                continue
            attachment = self.env["ir.attachment"].sudo().create({
                "name": filename,
                "raw": content,
                "mimetype": mimetype,
                "res_model": self._name,
                "res_id": message.conversation_id.id,
            })
            message.write({"attachment_id": attachment.id, "media_error": False})

    @api.model
    def _wechat_fetch_media(self, client, message):
        """(bytes, mimetype, file name) of a message's media.

        Voice keeps WeChat's format (AMR or Speex) so that it plays as recorded;
        its recognition text stays on the message. Videos come as a URL to fetch.
        """
        result = client.media.download(message.media_id)
        if isinstance(result, dict):
            url = result.get("video_url") or result.get("down_url")
            if not url:
                raise WeChatClientException(None, _("WeChat sent no file for this media."))
            try:
                result = requests.get(url, timeout=MEDIA_DOWNLOAD_TIMEOUT)
                result.raise_for_status()
            except requests.RequestException as error:
                raise WeChatNetworkError(error) from error
        header_type = (result.headers.get("Content-Type") or "").split(";")[0].strip()
        media_format = (message.media_format or "").lower()
        if message.kind == "voice":
            mimetype = VOICE_MIMETYPES.get(media_format) or header_type or "audio/amr"
            extension = media_format or "amr"
        else:
            if header_type in ("", "application/octet-stream", "text/plain"):
                mimetype = MEDIA_MIMETYPES[message.kind]
            else:
                mimetype = header_type
            extension = (mimetypes.guess_extension(mimetype) or ".bin").lstrip(".")
        match = FILENAME_RE.search(result.headers.get("Content-Disposition") or "")
        filename = match.group(1) if match else f"{message.kind}_{message.msg_id or message.id}"
        if message.kind == "voice":
            filename = f"{filename.rsplit('.', 1)[0]}.{extension}"
        elif "." not in filename:
            filename = f"{filename}.{extension}"
        return result.content, mimetype, filename

    # ------------------------------------------------------------
    # BUSINESS: routing
    # ------------------------------------------------------------

    def _wechat_route(self, notify=True, exclude=None):
        """Assign the waiting conversations of `self` to agents, oldest first.

        An agent qualifies when they are a member of the conversation's queue,
        logged in and not paused (calls do not count), have the queue's required
        skills and answer fewer open conversations than their chat capacity. The
        least loaded agent wins, then the one whose last assignment is oldest.
        Conversations and agents are row-locked, so concurrent routers never
        assign one conversation twice nor fill an agent beyond capacity; those
        locked by another transaction are skipped and routed later. Returns the
        conversations assigned.
        """
        assigned = self.browse()
        waiting = self.filtered(lambda c: c.state == "waiting" and c.queue_id).sorted(
            lambda c: (-c.queue_id.priority, c.started_at, c.id))
        # Within a run loads only grow: a queue with no agent free stays so, and its
        # other conversations are neither locked nor looked at.
        full_queues = set()
        for conversation in waiting:
            if conversation.queue_id in full_queues:
                continue
            candidates = conversation._wechat_candidates(exclude=exclude)
            if not candidates:
                full_queues.add(conversation.queue_id)
                continue
            if not conversation._wechat_try_lock_rows(self._table, conversation.ids):
                continue
            for agent in candidates:
                if conversation._wechat_assign(agent, wait=False):
                    assigned |= conversation
                    break
        if notify and assigned:
            assigned._wechat_notify("assigned", waiting_changed=True)
        return assigned

    @api.model
    def _wechat_route_waiting(self, queues=None, skip=None):
        """Route the waiting conversations of `queues` (all queues when None).

        Called when agents become available, close or hand over a conversation,
        and every minute by a cron, the safety net for conversations a
        concurrent transaction kept locked.
        """
        domain = [("state", "=", "waiting"), ("queue_id", "!=", False)]
        if queues is not None:
            if not queues:
                return self.browse()
            domain.append(("queue_id", "in", queues.ids))
        if skip:
            domain.append(("id", "not in", skip.ids))
        return self.search(domain, order="started_at, id")._wechat_route()

    def _wechat_candidates(self, exclude=None):
        """Agents who may answer this conversation now, best first."""
        self.ensure_one()
        queue = self.queue_id
        agents = queue.member_ids.agent_id.filtered(
            lambda a: a.active and a.state in ROUTABLE_AGENT_STATES and a.chat_capacity > 0
            and queue.required_skill_ids <= a.skill_ids.skill_id
        )
        if exclude:
            agents -= exclude
        loads = self._wechat_loads(agents)
        agents = agents.filtered(lambda a: loads[a] < a.chat_capacity)
        return agents.sorted(lambda a: (
            loads[a], a.wechat_last_assigned_at or datetime.min, a.id,
        ))

    @api.model
    def _wechat_loads(self, agents):
        """Open conversations per agent."""
        self.flush_model(["agent_id", "state"])
        # sudo: an agent's load counts every conversation they answer, whoever reads it.
        counts = dict(self.sudo()._read_group(
            [("agent_id", "in", agents.ids), ("state", "=", "open")], ["agent_id"], ["__count"],
        ))
        return {agent: counts.get(agent, 0) for agent in agents}

    def _wechat_assign(self, agent, wait):
        """Give this (locked) conversation to `agent` if they have room.

        The agent's row is locked first and every assignment writes it, so that
        a concurrent assignment to the same agent either waits for this one or
        fails to lock a row changed since its snapshot, and never counts a load
        that is out of date.
        """
        self.ensure_one()
        if wait:
            self._wechat_lock_rows(agent._table, agent.ids)
        elif not self._wechat_try_lock_rows(agent._table, agent.ids):
            return False
        if self._wechat_loads(agent)[agent] >= agent.chat_capacity:
            return False
        now = fields.Datetime.now()
        agent.sudo().wechat_last_assigned_at = now
        self.write({"agent_id": agent.id, "state": "open", "assigned_at": now})
        return True

    def _wechat_release(self, agents, skip=None):
        """Capacity freed on `agents`: route the waiting conversations of their queues
        (but `skip`, a conversation just handed back to a queue by one of them)."""
        # sudo: routing assigns whoever qualifies, whatever the user who freed the room may read.
        self.sudo()._wechat_route_waiting(agents.sudo().queue_member_ids.queue_id, skip=skip)

    # ------------------------------------------------------------
    # BUSINESS: transfer and close
    # ------------------------------------------------------------

    def _wechat_transfer(self, agent=None, queue=None, reason=None):
        """Hand the conversation to another agent, or back to a queue to wait."""
        self.ensure_one()
        self._wechat_check_handler()
        self._wechat_lock_rows()
        if self.state == "closed":
            raise UserError(_("This conversation is closed."))
        previous = self.agent_id
        previous_queue = self.queue_id
        previous_users = previous.user_id
        was_waiting = self.state == "waiting"
        if was_waiting:
            previous_users |= self._wechat_queue_users(previous_queue)
        # sudo: the user handles this conversation (checked above); the target agent
        # or queue may be one they cannot read or write.
        conversation = self.sudo()
        if agent:
            agent = agent.sudo()
            if agent == previous:
                raise UserError(_("%(agent)s already answers this conversation.", agent=agent.name))
            if agent.state not in ROUTABLE_AGENT_STATES:
                raise UserError(_("%(agent)s is not available: transfer to a queue instead.",
                                  agent=agent.name))
            if not conversation._wechat_assign(agent, wait=True):
                raise UserError(_(
                    "%(agent)s already answers as many conversations as they can: transfer "
                    "to a queue instead.", agent=agent.name))
            target = agent.name
        elif queue:
            queue = queue.sudo()
            conversation.write({"queue_id": queue.id, "agent_id": False, "state": "waiting",
                                "assigned_at": False})
            target = queue.name
        else:
            raise UserError(_("Choose the agent or the queue to transfer to."))
        if reason:
            body = _("Transferred from %(origin)s to %(target)s: %(reason)s",
                     origin=previous.name or previous_queue.name or _("nobody"), target=target,
                     reason=reason)
        else:
            body = _("Transferred from %(origin)s to %(target)s.",
                     origin=previous.name or previous_queue.name or _("nobody"), target=target)
        conversation.message_post(body=body)
        if queue:
            conversation._wechat_route(notify=False, exclude=previous)
        conversation._wechat_notify("transferred", previous_users=previous_users,
                                    waiting_changed=was_waiting or conversation.state == "waiting")
        if previous:
            self._wechat_release(previous, skip=conversation)
        return True

    def _wechat_close(self, disposition, note=None):
        """Close with a disposition; the customer's next message opens a new conversation."""
        self.ensure_one()
        self._wechat_check_handler()
        self._wechat_lock_rows()
        if self.state == "closed":
            raise UserError(_("This conversation is already closed."))
        if not disposition:
            raise UserError(_("Choose how the conversation ended."))
        note = (note or "").strip()
        if disposition.note_required and not note:
            raise UserError(_("%(disposition)s needs a note: write what was agreed.",
                              disposition=disposition.name))
        was_waiting = self.state == "waiting"
        # sudo: the user handles this conversation (checked above).
        conversation = self.sudo()
        conversation.write({
            "state": "closed", "closed_at": fields.Datetime.now(),
            "disposition_id": disposition.id, "close_note": note or False, "unread_count": 0,
        })
        body = _("Closed as %(disposition)s.", disposition=disposition.name)
        if note:
            body = _("Closed as %(disposition)s: %(note)s", disposition=disposition.name, note=note)
        conversation.message_post(body=body)
        conversation._wechat_notify("closed", waiting_changed=was_waiting)
        if conversation.agent_id:
            self._wechat_release(conversation.agent_id)
        return True

    # ------------------------------------------------------------
    # BUSINESS: replies
    # ------------------------------------------------------------

    def _wechat_check_reply(self):
        """Raise a clear error unless the current user may answer now, before WeChat is called."""
        self.ensure_one()
        self._wechat_check_handler()
        if self.state == "waiting":
            raise UserError(_("Take this conversation before answering it."))
        if self.state == "closed":
            raise UserError(_("This conversation is closed: the customer's next message "
                              "opens a new one."))
        if not self.window_open:
            # The very message WeChat's own refusal (45015) gets, without asking WeChat.
            raise self.account_id._wechat_user_error(WeChatClientException(
                OUT_OF_WINDOW_ERRCODE, "response out of time limit"))
        # Locked before WeChat is called: a conflict now fails (and is retried)
        # before the customer got anything, never after.
        self._wechat_lock_rows()

    def _wechat_store_reply(self, values):
        """Record a reply WeChat accepted and update the conversation's figures."""
        self.ensure_one()
        now = fields.Datetime.now()
        # sudo: the user may answer this conversation (checked by _wechat_check_reply).
        message = self.env["callcenter.wechat.message"].sudo().create({
            "account_id": self.account_id.id,
            "follower_id": self.follower_id.id,
            "conversation_id": self.id,
            "direction": "out",
            "state": "sent",
            "wechat_time": now,
            "author_id": self.env.uid,
            **values,
        })
        updates = {"last_message_at": now, "unread_count": 0}
        if not self.first_response_at:
            updates["first_response_at"] = now
            updates["first_response_seconds"] = max(0, int((now - self.started_at).total_seconds()))
        self.sudo().write(updates)
        self._wechat_notify("message")
        return message.with_env(self.env)

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _wechat_check_handler(self):
        """The current user answers these conversations, or supervises them."""
        self.check_access("write")
        if self.env.user.has_group("callcenter_base.group_callcenter_supervisor"):
            return
        for conversation in self:
            if conversation.user_id != self.env.user:
                if conversation.state == "waiting":
                    raise AccessError(_("Take this conversation first."))
                raise AccessError(_("%(agent)s answers this conversation.",
                                    agent=conversation.agent_id.name))

    def _wechat_lock_rows(self, table=None, ids=None):
        """Row-lock, waiting for other transactions. A row changed since this
        transaction's snapshot raises a serialization failure: Odoo retries the
        whole request, which then sees the change."""
        self.flush_model()
        self.env.cr.execute(SQL(
            "SELECT id FROM %s WHERE id = ANY(%s) FOR NO KEY UPDATE",
            SQL.identifier(table or self._table), list(ids if ids is not None else self.ids),
        ), log_exceptions=False)

    def _wechat_try_lock_rows(self, table, ids):
        """Row-lock without waiting: False when another transaction holds one of
        the rows or changed it since this transaction's snapshot."""
        self.flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM %s WHERE id = ANY(%s) FOR NO KEY UPDATE SKIP LOCKED",
                    SQL.identifier(table), list(ids),
                ), log_exceptions=False)
                return len(self.env.cr.fetchall()) == len(set(ids))
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected):
            return False

    def _wechat_notify(self, event, previous_users=None, waiting_changed=False):
        """Tell the agent (and a previous one) about a change of their conversation;
        when the waiting list changed, the queue's agents and team leads too."""
        queue_users = {}
        for conversation in self:
            users = conversation.user_id | (previous_users or self.env["res.users"])
            if waiting_changed:
                queue = conversation.queue_id
                if queue not in queue_users:
                    queue_users[queue] = conversation._wechat_queue_users(queue)
                users |= queue_users[queue]
            users._bus_send(BUS_TYPE, {
                "conversation_id": conversation.id,
                "event": event,
                "state": conversation.state,
                "user_id": conversation.user_id.id or False,
            })

    def _wechat_queue_users(self, queue):
        """The users who see the queue's waiting conversations: its agents and team leads."""
        # sudo: only the users' ids are read, to notify them.
        queue = queue.sudo()
        return (queue.member_ids.user_id | queue.team_lead_ids).with_env(self.env)

    def _wechat_wizard_action(self, model, name, view_xmlid, context=None):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "views": [(self.env.ref(view_xmlid).id, "form")],
            "target": "new",
            "context": {"default_conversation_id": self.id, **(context or {})},
        }

    def _wechat_previews(self):
        """{conversation id: text of its last message}."""
        if not self:
            return {}
        Message = self.env["callcenter.wechat.message"]
        last_ids = [message_id for _conversation, message_id in Message._read_group(
            [("conversation_id", "in", self.ids)], ["conversation_id"], ["id:max"])]
        return {
            message.conversation_id.id: self._wechat_preview(message)
            for message in Message.browse(last_ids)
        }

    @api.model
    def _wechat_preview(self, message):
        if message.kind == "text":
            text = message.body or ""
        elif message.kind == "voice" and message.recognition:
            text = message.recognition
        elif message.kind == "event":
            text = dict(message._fields["event"]._description_selection(self.env)).get(
                message.event, "")
        elif message.kind in ("link", "template"):
            text = message.title or message.body or ""
        elif message.kind == "location":
            text = message.label or ""
        else:
            text = ""
        kind = dict(message._fields["kind"]._description_selection(self.env))[message.kind]
        text = " ".join(text.split())
        if message.kind != "text":
            text = f"[{kind}] {text}".strip()
        return text[:PREVIEW_LENGTH]

    def _wechat_inbox_payload(self, preview):
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name or "",
            "partner": [self.partner_id.id, self.partner_id.display_name] if self.partner_id else False,
            "state": self.state,
            "queue": [self.queue_id.id, self.queue_id.name] if self.queue_id else False,
            "agent": [self.agent_id.id, self.agent_id.name] if self.agent_id else False,
            "last_message_at": fields.Datetime.to_string(self.last_message_at) or False,
            "unread_count": self.unread_count,
            "window_open": self.window_open,
            "window_expires_at": fields.Datetime.to_string(self.window_expires_at) or False,
            "preview": preview,
        }

    def _wechat_message_payload(self, messages):
        """What the inbox shows of `messages` (read as the current user).

        A menu click carries the button's key, which means nothing to an agent:
        the payload names the button instead.
        """
        clicks = messages.filtered(lambda m: m.event == "click" and m.event_key)
        buttons = self.env["callcenter.wechat.menu.button"].search([
            ("account_id", "in", clicks.account_id.ids), ("key", "in", clicks.mapped("event_key")),
        ]) if clicks else self.env["callcenter.wechat.menu.button"]
        button_names = {(button.account_id.id, button.key): button.name for button in buttons}
        result = []
        for message in messages:
            attachment = message.attachment_id
            result.append({
                "id": message.id,
                "direction": message.direction,
                "kind": message.kind,
                "event": message.event or False,
                "event_key": button_names.get(
                    (message.account_id.id, message.event_key), message.event_key or ""
                ),
                "body": message.body or "",
                "attachment_id": attachment.id or False,
                "attachment_url": f"/web/content/{attachment.id}" if attachment else False,
                "mimetype": attachment.mimetype or False,
                "url": message.url or False,
                "title": message.title or "",
                "description": message.description or "",
                "latitude": message.latitude,
                "longitude": message.longitude,
                "label": message.label or "",
                "recognition": message.recognition or "",
                "author": [message.author_id.id, message.author_id.name] if message.author_id else False,
                "state": message.state,
                "error": message.media_error or message.error or "",
                "time": fields.Datetime.to_string(self._wechat_message_time(message)),
            })
        return result
