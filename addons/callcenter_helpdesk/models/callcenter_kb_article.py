# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import io
import logging
import math
import wave

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.mail import html_to_inner_content

_logger = logging.getLogger(__name__)

#: Fields searched, their weight in the ranking (title > keywords > body) and the
#: trigram index that speeds up their substring search when pg_trgm is available.
SEARCH_WEIGHTS = {"name": 100, "keywords": 10, "body_text": 1}
#: A term matched in any field outranks any combination of weights of fewer terms.
TERM_WEIGHT = 1000
MAX_TERMS = 8
MAX_LIMIT = 50
SNIPPET_CHARS = 120
#: Clips are for a call: a few minutes at most (4 MB is ~4 min at 8 kHz).
CLIP_MAX_BYTES = 4 * 1024 * 1024
CLIP_MIMETYPES = ("audio/",)
#: Raw bytes per sound_upload command (the connector's command endpoint takes
#: bodies up to 256 KB, and base64 adds a third).
CLIP_CHUNK_BYTES = 160 * 1024
#: What Asterisk's format_wav plays without a codec module: 16-bit mono PCM WAV.
PLAYABLE_RATES = (8000, 16000)


def _search_terms(query):
    """Whitespace-separated terms, each matched as a substring.

    PostgreSQL's text search parser has no Chinese word segmentation, so a CJK
    term stays whole and is found inside longer text by substring match; "退货 发票"
    is two terms, "退换货政策" one.
    """
    terms = []
    for term in (query or "").split():
        term = term.strip().lower()
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _like_pattern(term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class CallcenterKbArticle(models.Model):
    """An answer agents read or play to the caller: text, keywords and voice clips."""

    _name = "callcenter.kb.article"
    _description = "Knowledge Base Article"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char("Title", required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    category_id = fields.Many2one("callcenter.kb.category", string="Category", index=True,
                                  check_company=True, tracking=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company,
                                 help="Leave empty to share the article between companies.")
    body = fields.Html(sanitize_style=True)
    body_text = fields.Text("Body (plain text)", compute="_compute_body_text", store=True,
                            help="The body without markup: what the search reads.")
    keywords = fields.Char(help="Words and synonyms callers use, separated by spaces or commas "
                                "(e.g. 退货 换货 refund).")
    is_published = fields.Boolean("Published", default=False, tracking=True, index=True,
                                  help="Agents only see published articles.")
    clip_ids = fields.Many2many(
        "ir.attachment", "callcenter_kb_article_clip_rel", "article_id", "attachment_id",
        string="Voice Clips",
        help="Short recordings (WAV, 8 kHz mono works everywhere) an agent may play to the "
             "caller during a call.")
    clip_count = fields.Integer(compute="_compute_clip_count")
    use_count = fields.Integer("Uses", default=0, readonly=True, copy=False,
                               help="How many times agents opened the article or played a clip.")
    last_used_at = fields.Datetime("Last Used", readonly=True, copy=False)

    # ------------------------------------------------------------
    # COMPUTE / CONSTRAINTS
    # ------------------------------------------------------------

    @api.depends("body")
    def _compute_body_text(self):
        # Plain words only: html2plaintext's markdown (*bold*, links) would split terms.
        for article in self:
            article.body_text = html_to_inner_content(article.body or "")

    @api.depends("clip_ids")
    def _compute_clip_count(self):
        for article in self:
            article.clip_count = len(article.clip_ids)

    @api.constrains("clip_ids")
    def _check_clip_ids(self):
        for article in self:
            for clip in article.clip_ids:
                if not (clip.mimetype or "").startswith(CLIP_MIMETYPES):
                    raise ValidationError(self.env._(
                        "%(file)s is not an audio file: voice clips must be recordings.",
                        file=clip.name))

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        articles = super().create(vals_list)
        articles._callcenter_adopt_clips()
        return articles

    def write(self, vals):
        result = super().write(vals)
        if "clip_ids" in vals:
            self._callcenter_adopt_clips()
        return result

    def init(self):
        """Index the searched columns with trigrams so that substring search stays fast.

        `CREATE EXTENSION` needs a privileged database user: without it the search
        still works, as a sequential ILIKE scan.
        """
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except psycopg2.Error:
            _logger.info("pg_trgm is not available: knowledge base search runs without index")
        cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if not cr.fetchone():
            return
        for column in SEARCH_WEIGHTS:
            cr.execute(SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s USING gin (%s gin_trgm_ops)",
                SQL.identifier(f"{self._table}_{column}_trgm_idx"),
                SQL.identifier(self._table), SQL.identifier(column),
            ))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_publish(self):
        self.is_published = True

    def action_unpublish(self):
        self.is_published = False

    @api.model
    def callcenter_kb_search(self, query, limit=10):
        """Published articles of the user's companies matching every or some of the terms.

        Ranked by the number of terms found, then where they were found (title,
        keywords, body), then by use. Returns [{id, name, category, snippet,
        keywords, clip_count, score}], the best first.
        """
        terms = _search_terms(query)
        if not terms:
            return []
        limit = max(1, min(int(limit or 10), MAX_LIMIT))
        search_query, score = self._callcenter_search_query(terms, limit)
        rows = self.env.execute_query(
            search_query.select(SQL.identifier(self._table, "id"), score))
        ranked = dict(rows)
        articles = self.browse(list(ranked))
        return [{
            "id": article.id,
            "name": article.name,
            "category": article.category_id.display_name or "",
            "keywords": article.keywords or "",
            "snippet": article._callcenter_snippet(terms),
            "clip_count": len(article.clip_ids),
            "score": ranked[article.id],
        } for article in articles]

    def callcenter_kb_read(self):
        """The article as the agent dialog shows it; counts as a use."""
        self.ensure_one()
        self.check_access("read")
        self._callcenter_mark_used()
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category_id.display_name or "",
            "body": self.body or "",
            "keywords": self.keywords or "",
            "clips": [{"id": clip.id, "name": clip.name, "mimetype": clip.mimetype}
                      for clip in self.clip_ids],
        }

    def action_callcenter_kb_play(self, attachment_id, call_id):
        """Play one of this article's clips to the caller of the agent's live call.

        The clip is first sent to the connector (unless it already has it), which
        writes it into Asterisk's sounds folder beside the IVR prompts; then the
        connector whispers it into the customer's channel. The call stays bridged,
        so the agent keeps talking afterwards.
        """
        self.ensure_one()
        self.check_access("read")
        clip = self.clip_ids.filtered(lambda attachment: attachment.id == attachment_id)
        if not clip:
            raise UserError(self.env._("This voice clip does not belong to the article %(name)s.",
                                       name=self.name))
        agent = self.env["callcenter.agent"]._callcenter_current_agent()
        # sudo: only to compare the call's agent with the current agent; an agent
        # who may not read the call is by definition not on it.
        call = self.env["callcenter.call"].sudo().browse(call_id).exists()
        if not call or call.agent_id != agent:
            raise UserError(self.env._("You are not on this call: only the agent talking to the "
                                       "caller can play a clip to them."))
        if call.state != "answered" or call.ended_at:
            raise UserError(self.env._("The call is over: the clip can only be played during "
                                       "a call."))
        # sudo: the clip is linked to an article the agent may read (checked above);
        # attachments of Many2many fields are not readable through the article's rules.
        data = clip.sudo().raw or b""
        if not data:
            raise UserError(self.env._("The voice clip %(file)s is empty.", file=clip.name))
        if len(data) > CLIP_MAX_BYTES:
            raise UserError(self.env._(
                "The voice clip %(file)s is too long to play in a call (at most %(size)s MB).",
                file=clip.name, size=CLIP_MAX_BYTES // (1024 * 1024)))
        self._callcenter_check_playable(clip.name, data)
        sound = self._callcenter_clip_sound_name(clip.id, clip.sudo().checksum)
        self._callcenter_send_clip(call.pbx_id, sound, data)
        call.pbx_id._callcenter_command("playback", linkedid=call.linkedid,
                                        interface=agent.interface or "", sound=sound)
        self._callcenter_mark_used()
        return True

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _callcenter_adopt_clips(self):
        """Attach uploaded clips to their article, so that whoever may read the
        article may stream them (/web/content checks the attachment's record)."""
        for article in self:
            orphans = article.clip_ids.filtered(
                lambda clip: not clip.res_id and clip.res_model in (False, article._name))
            if orphans:
                # sudo: only clips that belong to no record yet, just linked by a user
                # who may edit this article.
                orphans.sudo().write({"res_model": article._name, "res_id": article.id})

    @api.model
    def _callcenter_clip_sound_name(self, attachment_id, checksum):
        """The clip's name in Asterisk's sounds, beside the IVR prompts
        (`callcenter/ivr-…`); the checksum makes a replaced clip a new file."""
        return f"callcenter/kb-{attachment_id}-{(checksum or '')[:12]}"

    @api.model
    def _callcenter_search_query(self, terms, limit):
        """The ranked search as a Query (access rules applied) and its score expression.

        Each condition is a bare `column ILIKE '%term%'`, the very expression the
        trigram indexes of init() serve; a NULL column simply does not match.
        """
        query = self._search([("is_published", "=", True)])
        columns = [self._field_to_sql(self._table, name, query) for name in SEARCH_WEIGHTS]
        matches, scores = [], []
        for term in terms:
            pattern = _like_pattern(term)
            found = [SQL("%s ILIKE %s", column, pattern) for column in columns]
            matches.append(SQL("(%s)", SQL(" OR ").join(found)))
            scores.append(SQL("CASE WHEN %s THEN %s ELSE 0 END", matches[-1], TERM_WEIGHT))
            scores.extend(SQL("CASE WHEN %s THEN %s ELSE 0 END", condition, weight)
                          for condition, weight in zip(found, SEARCH_WEIGHTS.values()))
        query.add_where(SQL("(%s)", SQL(" OR ").join(matches)))
        score = SQL("(%s)", SQL(" + ").join(scores))
        query.order = SQL("%s DESC, %s DESC, %s", score,
                          self._field_to_sql(self._table, "use_count", query),
                          SQL.identifier(self._table, "id"))
        query.limit = limit
        return query, score

    @api.model
    def _callcenter_send_clip(self, pbx, sound, data):
        """Make sure the connector of `pbx` has the clip `sound`: it answers whether it
        already has this content (by SHA-1), else the clip goes in chunks."""
        checksum = hashlib.sha1(data).hexdigest()
        status = pbx._callcenter_command("sound_status", sound=sound, sha1=checksum)
        if status.get("present"):
            return False
        for offset in range(0, len(data), CLIP_CHUNK_BYTES):
            pbx._callcenter_command(
                "sound_upload", sound=sound, sha1=checksum, offset=offset, total=len(data),
                data=base64.b64encode(data[offset:offset + CLIP_CHUNK_BYTES]).decode())
        return True

    @api.model
    def _callcenter_check_playable(self, name, data):
        """Refuse, with the fix, a clip Asterisk's Playback cannot read."""
        try:
            with wave.open(io.BytesIO(data)) as handle:
                playable = (handle.getnchannels(), handle.getsampwidth()) == (1, 2) and \
                    handle.getframerate() in PLAYABLE_RATES and handle.getcomptype() == "NONE"
        except (wave.Error, EOFError):
            playable = False
        if not playable:
            raise UserError(self.env._(
                "The voice clip %(file)s cannot be played in a call: save it as a WAV file, "
                "16-bit mono PCM at 8 kHz (or 16 kHz).", file=name))

    def _callcenter_mark_used(self):
        """Count a use in SQL: agents may not write articles, and concurrent uses
        must add up rather than overwrite each other."""
        self.flush_recordset(["use_count", "last_used_at"])
        self.env.execute_query(SQL(
            "UPDATE %s SET use_count = COALESCE(use_count, 0) + 1, last_used_at = %s "
            "WHERE id IN %s", SQL.identifier(self._table), fields.Datetime.now(), tuple(self.ids)))
        self.invalidate_recordset(["use_count", "last_used_at"])

    def _callcenter_snippet(self, terms):
        """A short excerpt of the body around the first term found, else its start."""
        text = " ".join((self.body_text or "").split())
        lowered = text.lower()
        positions = [pos for pos in map(lowered.find, terms) if pos >= 0]
        if not positions:
            return text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")
        start = max(0, min(positions) - SNIPPET_CHARS // 3)
        end = start + SNIPPET_CHARS
        return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")

    # ------------------------------------------------------------
    # DEMO
    # ------------------------------------------------------------

    def _callcenter_demo_voice_clip(self, name="demo_clip.wav", seconds=1.0):
        """Attach a short two-tone chime (8 kHz mono 16-bit WAV, the format Asterisk plays
        without transcoding) to these demo articles; generated, so no binary in the repo."""
        rate, buffer = 8000, io.BytesIO()
        with wave.open(buffer, "wb") as handle:
            handle.setnchannels(1)
            handle.setsampwidth(2)
            handle.setframerate(rate)
            frames = bytearray()
            for index in range(int(rate * seconds)):
                tone = 660 if index < rate * seconds / 2 else 880
                fade = min(1.0, index / 400, (rate * seconds - index) / 400)
                sample = int(8000 * fade * math.sin(2 * math.pi * tone * index / rate))
                frames += sample.to_bytes(2, "little", signed=True)
            handle.writeframes(bytes(frames))
        for article in self:
            clip = self.env["ir.attachment"].create({
                "name": name, "raw": buffer.getvalue(), "mimetype": "audio/x-wav",
                "res_model": article._name, "res_id": article.id,
            })
            article.clip_ids = [(4, clip.id)]
        return True
