# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged, users
from odoo.tools import SQL

from odoo.addons.callcenter_base.tests.common import CallcenterCommon
from odoo.addons.callcenter_helpdesk.models import callcenter_kb_article as kb_article_module

#: A valid, tiny WAV (8 kHz mono 16-bit, 10 ms of silence).
TINY_WAV = (b"RIFF" + (36 + 160).to_bytes(4, "little") + b"WAVEfmt "
            + (16).to_bytes(4, "little") + (1).to_bytes(2, "little") + (1).to_bytes(2, "little")
            + (8000).to_bytes(4, "little") + (16000).to_bytes(4, "little")
            + (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
            + b"data" + (160).to_bytes(4, "little") + b"\0" * 160)


class KbCommon(CallcenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Article = cls.env["callcenter.kb.article"]
        # Rankings are asserted on these articles only, not on the demo ones.
        Article.search([]).active = False
        cls.category = cls.env["callcenter.kb.category"].create({"name": "售后"})
        cls.sub_category = cls.env["callcenter.kb.category"].create({
            "name": "退货", "parent_id": cls.category.id})
        cls.article_return = Article.create({
            "name": "退换货政策", "category_id": cls.sub_category.id, "is_published": True,
            "keywords": "退货 换货 refund",
            "body": "<p>收到商品<b>7天内</b>可无理由退货，发票需一并寄回。</p>",
        })
        cls.article_invoice = Article.create({
            "name": "发票开具", "category_id": cls.category.id, "is_published": True,
            "keywords": "发票 invoice",
            "body": "<p>电子发票在订单完成后24小时内发送到邮箱；退货时需退回发票。</p>",
        })
        cls.article_hours = Article.create({
            "name": "Opening hours", "is_published": True, "keywords": "hours schedule 营业时间",
            "body": "<p>We answer from 9:00 to 18:00, Monday to Saturday.</p>",
        })
        cls.article_password = Article.create({
            "name": "Password reset", "is_published": True, "keywords": "login account",
            "body": "<p>Send the customer the reset link from the portal login page.</p>",
        })
        cls.article_draft = Article.create({
            "name": "退货新规（草稿）", "is_published": False, "body": "<p>退货 draft</p>",
        })
        cls.company_b = cls.env["res.company"].create({"name": "Other Company"})
        cls.article_other_company = Article.create({
            "name": "退货 other company", "is_published": True, "company_id": cls.company_b.id,
        })
        cls.clip = cls.env["ir.attachment"].create({
            "name": "return_policy.wav", "raw": TINY_WAV, "mimetype": "audio/x-wav",
        })
        cls.article_return.clip_ids = [(4, cls.clip.id)]

    def _ids(self, results):
        return [result["id"] for result in results]


class TestKbModels(KbCommon):
    def test_body_text_and_clip_adoption(self):
        self.assertIn("收到商品7天内可无理由退货", self.article_return.body_text)
        self.assertNotIn("<b>", self.article_return.body_text)
        self.assertEqual((self.clip.res_model, self.clip.res_id),
                         ("callcenter.kb.article", self.article_return.id))
        self.assertEqual(self.sub_category.display_name, "售后 / 退货")

    def test_clip_must_be_audio(self):
        text = self.env["ir.attachment"].create({"name": "notes.txt", "raw": b"hello",
                                                 "mimetype": "text/plain"})
        with self.assertRaises(UserError):
            self.article_invoice.clip_ids = [(4, text.id)]

    def test_category_cycle(self):
        with self.assertRaises(UserError):
            self.category.parent_id = self.sub_category


class TestKbSearch(KbCommon):
    def test_chinese_substring(self):
        """A CJK term is matched as a substring of title, keywords and body."""
        results = self.env["callcenter.kb.article"].with_user(self.user_agent).callcenter_kb_search(
            "退货")
        ids = self._ids(results)
        # Title hit first (退换货政策 has 退货 in its keywords and body, 发票开具 in the body).
        self.assertEqual(ids[:2], [self.article_return.id, self.article_invoice.id])
        self.assertNotIn(self.article_draft.id, ids)
        self.assertNotIn(self.article_other_company.id, ids)
        self.assertIn("退货", results[0]["snippet"])
        self.assertEqual(results[0]["category"], "售后 / 退货")
        self.assertEqual(results[0]["clip_count"], 1)

    def test_title_ranks_first(self):
        ids = self._ids(self.env["callcenter.kb.article"].callcenter_kb_search("发票"))
        # 发票开具: title; 退换货政策: body only.
        self.assertEqual(ids, [self.article_invoice.id, self.article_return.id])
        ids = self._ids(self.env["callcenter.kb.article"].callcenter_kb_search("营业时间"))
        self.assertEqual(ids, [self.article_hours.id])

    def test_more_terms_first(self):
        Article = self.env["callcenter.kb.article"].with_user(self.user_agent)
        ids = self._ids(Article.callcenter_kb_search("发票 退货"))
        # Both articles match both terms; 发票开具 has a title hit of 发票, but
        # 退换货政策 matches 退货 in keywords and body plus 发票 in body: both match 2 terms.
        self.assertEqual(set(ids), {self.article_invoice.id, self.article_return.id})
        ids = self._ids(Article.callcenter_kb_search("password link"))
        self.assertEqual(ids, [self.article_password.id])
        ids = self._ids(Article.callcenter_kb_search("reset hours"))
        self.assertEqual(set(ids), {self.article_password.id, self.article_hours.id})
        ids = self._ids(Article.callcenter_kb_search("monday hours reset"))
        self.assertEqual(ids, [self.article_hours.id, self.article_password.id])

    def test_english_case_insensitive_and_wildcards(self):
        Article = self.env["callcenter.kb.article"]
        self.assertEqual(self._ids(Article.callcenter_kb_search("PASSWORD")),
                         [self.article_password.id])
        self.assertEqual(Article.callcenter_kb_search("%"), [])
        self.assertEqual(Article.callcenter_kb_search("_"), [])
        self.assertEqual(Article.callcenter_kb_search("   "), [])
        self.assertEqual(len(Article.callcenter_kb_search("e", limit=2)), 2)

    @users("cc_agent")
    def test_agent_access(self):
        Article = self.env["callcenter.kb.article"]
        ids = self._ids(Article.callcenter_kb_search("退货"))
        self.assertIn(self.article_return.id, ids)
        self.assertNotIn(self.article_draft.id, ids)
        self.assertNotIn(self.article_other_company.id, ids)
        with self.assertRaises(AccessError):
            Article.browse(self.article_draft.id).callcenter_kb_read()
        with self.assertRaises(AccessError):
            Article.browse(self.article_return.id).write({"name": "x"})
        data = Article.browse(self.article_return.id).callcenter_kb_read()
        self.assertEqual(data["clips"][0]["id"], self.clip.id)
        self.assertEqual(self.article_return.use_count, 1)
        # The agent streams the clip through the article's access.
        self.env["ir.attachment"].browse(self.clip.id).check_access("read")

    @users("cc_lead")
    def test_lead_edits(self):
        Article = self.env["callcenter.kb.article"]
        # The search is the agents' tool: drafts stay out of it even for their authors.
        self.assertNotIn(self.article_draft.id, self._ids(Article.callcenter_kb_search("退货")))
        self.assertTrue(Article.browse(self.article_draft.id).name)
        article = Article.create({"name": "New", "body": "<p>x</p>"})
        article.action_publish()
        self.assertTrue(article.is_published)
        with self.assertRaises(AccessError):
            article.unlink()

    def test_multi_company_user(self):
        """A user of both companies finds both companies' articles."""
        self.user_agent.write({"company_ids": [(4, self.company_b.id)]})
        Article = self.env["callcenter.kb.article"].with_user(self.user_agent).with_context(
            allowed_company_ids=[self.env.company.id, self.company_b.id])
        self.assertIn(self.article_other_company.id, self._ids(Article.callcenter_kb_search("退货")))


@tagged("post_install", "-at_install", "callcenter")
class TestKbTrigram(KbCommon):
    def test_trigram_indexes_when_available(self):
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if not self.env.cr.fetchone():
            self.skipTest("pg_trgm is not installed in this database")
        self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s",
                            ["callcenter_kb_article"])
        names = {row[0] for row in self.env.cr.fetchall()}
        for column in ("name", "keywords", "body_text"):
            self.assertIn(f"callcenter_kb_article_{column}_trgm_idx", names)
        # The search's conditions are the bare indexed expressions, which the planner
        # serves from the trigram indexes (3+ characters per term: pg_trgm's unit;
        # shorter CJK terms are rechecked on every row).
        Article = self.env["callcenter.kb.article"]
        query, _score = Article._callcenter_search_query(["退换货"], 10)
        code = query.where_clause.code
        self.assertNotIn("COALESCE", code)
        self.assertIn('"callcenter_kb_article"."body_text" ILIKE', code)
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL(
            'EXPLAIN SELECT id FROM callcenter_kb_article WHERE "callcenter_kb_article"."body_text" '
            "ILIKE %s", "%退换货%"))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("callcenter_kb_article_body_text_trgm_idx", plan)

    def test_without_pg_trgm(self):
        """A database user that may not create extensions: init() passes, search works."""
        cr = self.env.cr
        execute = type(cr).execute

        def refusing_execute(cursor, query, params=None, log_exceptions=True):
            text = str(query)
            if text.startswith("CREATE EXTENSION"):
                raise psycopg2.errors.InsufficientPrivilege("permission denied to create extension")
            if "FROM pg_extension" in text:
                query = "SELECT 1 WHERE false"
            return execute(cursor, query, params, log_exceptions)

        with patch.object(type(cr), "execute", refusing_execute), \
                patch.object(kb_article_module._logger, "info") as log_info:
            self.env["callcenter.kb.article"].init()
        self.assertIn("pg_trgm is not available", log_info.call_args[0][0])
        results = self.env["callcenter.kb.article"].with_user(self.user_agent).callcenter_kb_search(
            "退货 refund")
        self.assertEqual(results[0]["id"], self.article_return.id)


class TestKbDemo(CallcenterCommon):
    def test_demo_articles(self):
        article = self.env.ref("callcenter_helpdesk.callcenter_kb_article_returns_demo",
                               raise_if_not_found=False)
        if not article:
            self.skipTest("demo data not loaded")
        results = self.env["callcenter.kb.article"].with_user(self.user_agent).callcenter_kb_search(
            "退货")
        self.assertEqual(results[0]["id"], article.id)
        self.assertEqual(results[0]["clip_count"], 1)
        clip = article.clip_ids
        self.assertEqual(clip.mimetype, "audio/x-wav")
        self.assertLess(clip.file_size, 20000, "keep the demo clip tiny")
        self.assertTrue(clip.raw.startswith(b"RIFF"))
        english = self.env["callcenter.kb.article"].with_user(self.user_agent).callcenter_kb_search(
            "password")
        self.assertEqual(english[0]["id"],
                         self.env.ref("callcenter_helpdesk.callcenter_kb_article_password_demo").id)
