# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
import zlib
from datetime import UTC, datetime, timedelta

from wechatpy.exceptions import WeChatClientException

from odoo import api, fields, models, modules
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

TEMPLATE_RETRY_PERIOD = timedelta(days=1)

MESSAGE_KINDS = [
    ("text", "Text"),
    ("image", "Image"),
    ("voice", "Voice"),
    ("video", "Video"),
    ("shortvideo", "Short Video"),
    ("location", "Location"),
    ("link", "Link"),
    ("event", "Event"),
    ("template", "Template Message"),
]
EVENTS = [
    ("subscribe", "Follow"),
    ("unsubscribe", "Unfollow"),
    ("scan", "QR Scan"),
    ("click", "Menu Click"),
    ("view", "Menu Link"),
    ("location", "Location Report"),
]
MESSAGE_STATES = [
    ("queued", "Queued"),
    ("received", "Received"),
    ("processed", "Processed"),
    ("sent", "Sent"),
    ("failed", "Failed"),
]

CUSTOMER_KINDS = ("text", "image", "voice", "video", "shortvideo", "location", "link")
"""What a customer writes or sends: it goes to an agent's conversation."""
WECHAT_EVENTS = {
    "subscribe": "subscribe",
    "subscribe_scan": "subscribe",  # a follow through a parametric QR code (qrscene_…)
    "unsubscribe": "unsubscribe",
    "scan": "scan",
    "click": "click",
    "view": "view",
    "location": "location",
}
"""wechatpy's event types this channel stores, and the event each is stored as."""
WINDOW_EVENTS = ("subscribe", "scan", "click")
"""Events that open WeChat's 48-hour customer-service window, as WeChat documents it:
messages, follows, QR scans and CLICK menu buttons do; unfollows, VIEW links and the
automatic location reports do not."""
PROCESS_CRON = "callcenter_wechat.ir_cron_callcenter_wechat_process"
WAKE_LOCK = zlib.crc32(PROCESS_CRON.encode())
"""Advisory lock between the webhook's requests (shared) and the start of a processing
run (exclusive): see _wechat_wake_cron."""
WAKE_STALE_MS = 10_000
PROCESS_BATCH = 100
PROCESS_TIME_BUDGET = 50
"""Seconds one run of the processing cron works before it hands over to the next run."""


class CallcenterWechatMessage(models.Model):
    _name = "callcenter.wechat.message"
    _description = "WeChat Message"
    _order = "id"
    _rec_name = "kind"

    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    follower_id = fields.Many2one(
        "callcenter.wechat.follower", required=True, index=True, ondelete="cascade", readonly=True
    )
    conversation_id = fields.Many2one(
        "callcenter.wechat.conversation", index="btree_not_null", ondelete="cascade", readonly=True
    )
    direction = fields.Selection([("in", "Received"), ("out", "Sent")], required=True, readonly=True)
    kind = fields.Selection(MESSAGE_KINDS, required=True, readonly=True)
    event = fields.Selection(EVENTS, readonly=True)
    event_key = fields.Char(readonly=True)
    msg_id = fields.Char(string="MsgId", readonly=True)
    dedup_key = fields.Char(
        readonly=True,
        help="MsgId, or for events the sender and CreateTime: WeChat retries a delivery "
        "three times and each must be stored once.",
    )
    wechat_time = fields.Datetime(string="Sent At", readonly=True, help="WeChat's CreateTime.")
    body = fields.Text(readonly=True)
    media_id = fields.Char(readonly=True)
    thumb_media_id = fields.Char(readonly=True)
    media_format = fields.Char(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True)
    recognition = fields.Text(readonly=True, help="WeChat's speech recognition of a voice message.")
    latitude = fields.Float(digits=(10, 6), readonly=True)
    longitude = fields.Float(digits=(10, 6), readonly=True)
    scale = fields.Integer(readonly=True)
    label = fields.Char(readonly=True)
    url = fields.Char(readonly=True)
    title = fields.Char(readonly=True)
    description = fields.Text(readonly=True)
    author_id = fields.Many2one("res.users", readonly=True, help="The agent who sent it.")
    state = fields.Selection(MESSAGE_STATES, required=True, readonly=True, index=True)
    template_ref = fields.Char(string="WeChat Template", readonly=True)
    template_data = fields.Json(readonly=True, help="The template's fields as sent to WeChat.")
    error = fields.Text(readonly=True)
    media_error = fields.Text(readonly=True, help="Why the photo, voice or video could not be downloaded from WeChat; the conversation can try again.")
    autoreply_id = fields.Many2one(
        "callcenter.wechat.autoreply", string="Auto-reply", readonly=True, ondelete="set null",
        help="The keyword auto-reply that answered this message.",
    )
    reply_body = fields.Text(
        string="Automatic Answer", readonly=True,
        help="What the webhook answered at once: a keyword auto-reply, the welcome message "
        "or the out-of-hours message.",
    )

    _sql_constraints = [
        ("dedup_unique", "UNIQUE(account_id, dedup_key)", "This WeChat message is already stored."),
    ]

    def init(self):
        # Milliseconds since the epoch of the last cron trigger and of the last one a
        # processing run consumed (see _wechat_wake_cron).
        for name in ("callcenter_wechat_wake_notified", "callcenter_wechat_wake_consumed"):
            self.env.cr.execute(SQL("CREATE SEQUENCE IF NOT EXISTS %s MINVALUE 0 START 0",
                                    SQL.identifier(name)))

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def action_wechat_retry(self):
        """Process failed messages again, once what made them fail is fixed."""
        failed = self.filtered(lambda message: message.state == "failed")
        failed.write({"state": "received", "error": False})
        if failed:
            self._wechat_wake_cron()

    # ------------------------------------------------------------------
    # BUSINESS: reception (the webhook, in its request)
    # ------------------------------------------------------------------

    @api.model
    def _wechat_receive(self, account, message):
        """Store a message or event the webhook received and return the passive reply
        text to answer at once ("" for none).

        Runs within WeChat's 5-second budget, so it does no HTTP and no routing: it
        stores the message once (a redelivery is answered the same way and stored no
        second time), upserts the follower and triggers the processing cron, which
        does the rest. Kinds and events this channel does not handle (mini-program
        pages, card and scan-code events…) are logged and answered without storing.
        `account` is the webhook's sudoed account; `message` a parsed wechatpy message.
        """
        values = self._wechat_values(message)
        if values is None:
            _logger.info(
                "WeChat account %s: %s%s from %s not handled, answered without storing",
                account.id, message.type, message.type == "event" and f" {message.event}" or "",
                message.source,
            )
            return ""
        now = fields.Datetime.now()
        try:
            sent_at = min(datetime.fromtimestamp(message.time, UTC).replace(tzinfo=None), now)
        except (OverflowError, OSError) as exc:
            raise ValueError("CreateTime out of range") from exc
        opens_window = values["kind"] != "event" or values["event"] in WINDOW_EVENTS
        follower = self.env["callcenter.wechat.follower"]._wechat_upsert(
            account, message.source, inbound_at=sent_at if opens_window else None,
            subscribed=values.get("event") != "unsubscribe",
        )
        reply, autoreply = self._wechat_passive_reply(account, follower, values, now)
        values.update(
            account_id=account.id,
            company_id=account.company_id.id,
            follower_id=follower.id,
            direction="in",
            wechat_time=sent_at,
            state="received",
            autoreply_id=autoreply.id or None,
            reply_body=reply or None,
            create_uid=self.env.uid,
            create_date=now,
            write_uid=self.env.uid,
            write_date=now,
        )
        self.env.cr.execute(SQL(
            "INSERT INTO callcenter_wechat_message (%s) VALUES (%s) "
            "ON CONFLICT (account_id, dedup_key) DO NOTHING RETURNING id",
            SQL(", ").join(SQL.identifier(column) for column in values),
            SQL(", ").join(SQL("%s", value) for value in values.values()),
        ))
        if self.env.cr.fetchone():
            self._wechat_wake_cron()
        else:
            _logger.info("WeChat account %s: %s redelivered, already stored",
                         account.id, values["dedup_key"])
        return reply

    @api.model
    def _wechat_values(self, message):
        """The columns of a parsed wechatpy message, or None for a kind not handled.

        Raises ValueError for a field that is not what WeChat sends (an element where
        text is expected, a repeated element): the webhook answers 400.
        """
        kind = message.type
        text = _text_of(message)
        if kind == "event":
            event = WECHAT_EVENTS.get(message.event)
            if not event:
                return None
            values = {
                "kind": "event",
                "event": event,
                # Events have no MsgId: WeChat documents sender + CreateTime as their key.
                "dedup_key": f"{message.source}:{message.time}:{event}",
            }
            if message.event in ("subscribe_scan", "scan"):
                values["event_key"] = text("scene_id")
            elif event == "click":
                values["event_key"] = text("key")
            elif event == "view":
                values["url"] = values["event_key"] = text("url")
            elif event == "location":
                values.update(latitude=message.latitude, longitude=message.longitude)
            return values
        if kind not in CUSTOMER_KINDS:
            return None
        msg_id = str(message.id) if message.id else None
        values = {
            "kind": kind,
            "msg_id": msg_id,
            "dedup_key": msg_id or f"{message.source}:{message.time}:{kind}",
        }
        if kind == "text":
            values["body"] = text("content") or ""
        elif kind == "image":
            values.update(media_id=text("media_id"), url=text("image"))
        elif kind == "voice":
            values.update(media_id=text("media_id"), media_format=text("format"),
                          recognition=text("recognition"))
        elif kind in ("video", "shortvideo"):
            values.update(media_id=text("media_id"), thumb_media_id=text("thumb_media_id"))
        elif kind == "location":
            values.update(latitude=float(text("location_x") or 0),
                          longitude=float(text("location_y") or 0),
                          scale=int(float(text("scale") or 0)), label=text("label"))
        elif kind == "link":
            values.update(title=text("title"), description=text("description"), url=text("url"))
        return values

    @api.model
    def _wechat_wake_cron(self):
        """Trigger the processing cron, unless a run is already announced.

        Each trigger wakes the cron with a NOTIFY sent on a new connection to the
        `postgres` database, which costs more than the rest of the request: under
        load, one per run of the cron is enough. The time of the last trigger and
        the time of the last one a run consumed live in two sequences, which every
        transaction reads as they are now, whatever its snapshot. A trigger newer
        than the last consumed one announces a run that has not yet started reading
        messages: a run consumes under an exclusive advisory lock that this request
        holds shared until it commits, so that run will read this message. A trigger
        older than WAKE_STALE_MS is not relied upon (its request may have failed).
        """
        self.env.cr.execute(SQL(
            """
            SELECT pg_advisory_xact_lock_shared(%s);
            SELECT notified.last_value, consumed.last_value,
                   (extract(epoch FROM clock_timestamp()) * 1000)::bigint
              FROM callcenter_wechat_wake_notified notified,
                   callcenter_wechat_wake_consumed consumed
            """,
            WAKE_LOCK,
        ))
        notified, consumed, now_ms = self.env.cr.fetchone()
        if notified > consumed and now_ms - notified < WAKE_STALE_MS:
            return
        self.env.cr.execute(SQL("SELECT setval('callcenter_wechat_wake_notified', %s)", now_ms))
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(PROCESS_CRON)
        self.env["ir.cron"].browse(cron_id)._trigger()

    @api.model
    def _wechat_passive_reply(self, account, follower, values, now):
        """(text, auto-reply) to answer in the webhook's response.

        A follow gets the welcome message; a text (or a voice message's recognised
        text) matching a keyword gets that auto-reply; otherwise a customer message or
        a menu click outside the account's business hours gets the out-of-hours
        message. Texts are read in the bound contact's language, else the company's.
        """
        no_autoreply = self.env["callcenter.wechat.autoreply"]
        event = values.get("event")
        if values["kind"] == "event" and event not in ("subscribe", "click"):
            return "", no_autoreply

        def translated(record, field):
            lang = follower.partner_id.lang or account.company_id.partner_id.lang
            return record.with_context(lang=lang)[field] or ""

        if event == "subscribe":
            welcome = translated(account, "welcome_message") if account.welcome_message else ""
            return welcome, no_autoreply
        text = values.get("body") or values.get("recognition")
        autoreply = text and no_autoreply._wechat_match(account, text)
        if autoreply:
            return translated(autoreply, "reply"), autoreply
        if account.out_of_hours_message and self._wechat_closed(account, now):
            return translated(account, "out_of_hours_message"), no_autoreply
        return "", no_autoreply

    @api.model
    def _wechat_closed(self, account, now):
        """Whether `now` (naive UTC) is outside the account's business hours, in the
        calendar's own time zone and counting its public holidays; never closed
        without a calendar."""
        calendar = account.resource_calendar_id
        if not calendar:
            return False
        start = now.replace(tzinfo=UTC)
        intervals = calendar._work_intervals_batch(start, start + timedelta(minutes=1))[False]
        return not any(begin <= start < end for begin, end, _meta in intervals)

    # ------------------------------------------------------------------
    # BUSINESS: processing (the cron, after the webhook answered)
    # ------------------------------------------------------------------

    @api.model
    def _wechat_process(self, batch_size=PROCESS_BATCH, time_budget=PROCESS_TIME_BUDGET,
                        auto_commit=None):
        """Process received messages: follow state, locations, QR binding, and the
        customer's messages to their conversation.

        Batches are taken with FOR UPDATE SKIP LOCKED, so two workers running this at
        once never process the same message; in the cron each batch is committed, and
        a run that used its time budget reports the rest as remaining so that the cron
        runs again at once. A message that fails is marked failed with the error and
        does not hold up the others; one that met a concurrent transaction (an agent
        writing its conversation) stays received for the next run.
        `auto_commit` defaults to committing outside tests.
        """
        if auto_commit is None:
            auto_commit = not modules.module.current_test
        self._wechat_consume_triggers(auto_commit)
        started = time.monotonic()
        done, deferred = 0, set()
        while time.monotonic() - started < time_budget:
            if auto_commit:
                # A new snapshot: it sees every message committed before the triggers
                # were consumed, and the previous batch's work is kept.
                self.env.cr.commit()
            # The SELECT must see the states written by the ORM (the last batch, a retry).
            self.flush_model(["state", "error"])
            try:
                self.env.cr.execute(SQL(
                    """
                    SELECT id FROM callcenter_wechat_message
                     WHERE state = 'received' AND direction = 'in' AND id != ALL(%s)
                     ORDER BY id
                     LIMIT %s
                       FOR UPDATE SKIP LOCKED
                    """,
                    sorted(deferred), batch_size,
                ), log_exceptions=False)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                if not auto_commit:
                    raise
                # Another worker committed a message this snapshot still saw as received.
                self.env.cr.rollback()
                continue
            messages = self.browse([row[0] for row in self.env.cr.fetchall()])
            if not messages:
                break
            deferred.update(messages._wechat_process_batch().ids)
            done += len(messages)
        if auto_commit:
            self.env.cr.commit()
        remaining = self.search_count([("state", "=", "received"), ("direction", "=", "in")])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done - len(deferred)

    @api.model
    def _wechat_consume_triggers(self, auto_commit):
        """Record that a run starts reading messages, once every webhook request
        that relied on an announced run has committed (see _wechat_wake_cron)."""
        self.env.cr.execute(SQL(
            """
            SELECT pg_advisory_xact_lock(%s);
            SELECT setval('callcenter_wechat_wake_consumed', last_value)
              FROM callcenter_wechat_wake_notified
            """,
            WAKE_LOCK,
        ))
        if auto_commit:
            # Releases the lock before the work, and the next batch reads in a new
            # snapshot: it sees the messages of every request that waited for it.
            self.env.cr.commit()

    def _wechat_process_batch(self):
        """Process these locked messages; returns those left received for the next
        run because a concurrent transaction got in the way."""
        # Only events change anything besides conversations (`_wechat_process_one`):
        # customer messages need no savepoint of their own.
        processed = self.filtered(lambda message: message.kind != "event")
        deferred = self.browse()
        for message in self - processed:
            try:
                with self.env.cr.savepoint():
                    message._wechat_process_one()
            except Exception as exc:  # noqa: BLE001 - one bad message must not stop the batch
                deferred |= message._wechat_fail(exc)
            else:
                processed |= message
        processed = self & processed  # in event order
        to_attach = processed.filtered(lambda message: message._wechat_for_agent())
        if to_attach:
            processed -= to_attach._wechat_attach()
            deferred |= to_attach.filtered(lambda message: message.state == "received"
                                           and message not in processed)
        processed.write({"state": "processed", "error": False})
        return deferred

    def _wechat_process_one(self):
        """What a single inbound message changes besides conversations."""
        self.ensure_one()
        if self.kind != "event":
            return
        follower = self.follower_id
        if self.event == "subscribe":
            follower._wechat_set_subscribed(True, self.wechat_time, scene=self.event_key)
        elif self.event == "unsubscribe":
            follower._wechat_set_subscribed(False, self.wechat_time)
        elif self.event == "location":
            follower.write({"latitude": self.latitude, "longitude": self.longitude})
        if self.event in ("subscribe", "scan") and self.event_key:
            self.env["callcenter.wechat.qrcode"]._wechat_bind(follower, self.event_key)

    def _wechat_for_agent(self):
        """Whether this message goes to an agent's conversation: customer messages and
        menu clicks do, unless a keyword auto-reply settled the message; a settled
        message still joins a conversation already under way, for the agent's thread."""
        self.ensure_one()
        if self.kind not in CUSTOMER_KINDS and self.event != "click":
            return False
        if self.autoreply_id and not self.autoreply_id.route_to_agent:
            return bool(self.env["callcenter.wechat.conversation"].search_count([
                ("follower_id", "=", self.follower_id.id), ("state", "in", ("waiting", "open")),
            ], limit=1))
        return True

    def _wechat_attach(self):
        """Hand the messages to their conversations, all at once; should that fail,
        one by one so that only the culprits fail. Returns the messages not attached."""
        Conversation = self.env["callcenter.wechat.conversation"]
        try:
            with self.env.cr.savepoint():
                Conversation._wechat_attach_inbound(self)
            return self.browse()
        except Exception:  # noqa: BLE001 - retried one by one below
            _logger.info("WeChat: attaching %s messages at once failed, retrying one by one",
                         len(self), exc_info=True)
        not_attached = self.browse()
        for message in self:
            try:
                with self.env.cr.savepoint():
                    Conversation._wechat_attach_inbound(message)
            except Exception as exc:  # noqa: BLE001 - recorded on the message
                message._wechat_fail(exc)
                not_attached |= message
        return not_attached

    def _wechat_fail(self, exc):
        """Record why this message could not be processed; returns it when the cause
        is a concurrent transaction (it stays received, for the next run), else an
        empty recordset (it is marked failed)."""
        if isinstance(exc, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
            _logger.info("WeChat message %s deferred to the next run: %s", self.id, exc)
            return self
        _logger.warning("WeChat message %s (%s) failed: %s", self.id, self.dedup_key, exc,
                        exc_info=exc)
        self.write({"state": "failed", "error": str(exc) or type(exc).__name__})
        return self.browse()

    def _wechat_send_template(self):
        """Send this queued template message through WeChat and store the outcome.

        When WeChat cannot be reached (network, HTTP error, errcode -1 "system
        busy") the message stays queued with the reason, for the next run, unless
        it has waited a day already: a stale notice is worse than none. Returns
        False in that case so the run stops instead of hammering an absent WeChat.
        """
        self.ensure_one()
        account = self.account_id
        try:
            result = account._wechat_client().message.send_template(
                self.follower_id.openid, self.template_ref, self.template_data, url=self.url or None
            )
        except WeChatClientException as exc:
            error = account._wechat_user_error(exc).args[0]
            unreachable = exc.errcode in (None, -1)
            _logger.info("WeChat template message %s not sent: %s", self.id, exc)
            if unreachable and self.create_date > fields.Datetime.now() - TEMPLATE_RETRY_PERIOD:
                self.error = error
                return False
            self.write({"state": "failed", "error": error})
        else:
            self.write({
                "state": "sent",
                "error": False,
                "msg_id": str(result.get("msgid") or "") or False,
                "wechat_time": fields.Datetime.now(),
            })
        return True


def _text_of(message):
    """A reader of the message's text fields: None when absent, ValueError when the
    element holds something else than text."""
    def text(attribute):
        value = getattr(message, attribute)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise ValueError(f"{attribute}: not text")
        return value
    return text
