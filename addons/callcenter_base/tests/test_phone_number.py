# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from ..tools.phone import normalize_number, normalize_prefix
from .common import CallcenterCommon


@tagged("callcenter")
class TestPhoneNumber(CallcenterCommon):
    def test_normalize_chinese_mobile_variants(self):
        expected = "+8613666661234"
        for raw in ("+86 136 6666 1234", "0086 136 6666 1234", "0086-136-6666-1234",
                    "13666661234", "136-6666-1234", "(+86) 136.6666.1234", "8613666661234"):
            with self.subTest(raw=raw):
                self.assertEqual(normalize_number(raw, "CN"), expected)

    def test_normalize_without_region(self):
        self.assertEqual(normalize_number("0086 136 6666 1234"), "+8613666661234")
        self.assertEqual(normalize_number("+49 30 1234567"), "+49301234567")
        self.assertEqual(normalize_number("13666661234"), "13666661234")

    def test_normalize_landline_and_extensions(self):
        self.assertEqual(normalize_number("010 6552 9988", "CN"), "+861065529988")
        self.assertEqual(normalize_number("1001", "CN"), "1001")
        self.assertEqual(normalize_number("10-01", "CN"), "1001")
        self.assertEqual(normalize_number("", "CN"), "")
        self.assertEqual(normalize_number("anonymous", "CN"), "")

    def test_normalize_prefix(self):
        self.assertEqual(normalize_prefix("+86 165", "CN"), "+86165")
        self.assertEqual(normalize_prefix("0086165", "CN"), "+86165")
        self.assertEqual(normalize_prefix("400", "CN"), "+86400")
        self.assertEqual(normalize_prefix("010", "CN"), "+8610")

    def test_partner_match_any_notation(self):
        Partner = self.env["res.partner"]
        for raw in ("+86 136 6666 1234", "0086 13666661234", "136 6666 1234", "136-6666-1234"):
            with self.subTest(raw=raw):
                self.assertEqual(Partner._callcenter_find_by_number(raw), self.partner)

    def test_partner_match_phone_and_mobile_and_extension(self):
        Partner = self.env["res.partner"]
        office = Partner.create({"name": "Office", "phone": "010-8888-7766"})
        desk = Partner.create({"name": "Desk", "phone": "2001"})
        matches = Partner._callcenter_match_numbers(["+861088887766", "2001", "+8613666661234", "999"])
        self.assertEqual(matches["+861088887766"], office)
        self.assertEqual(matches["2001"], desk)
        self.assertEqual(matches["+8613666661234"], self.partner)
        self.assertNotIn("999", matches)

    def test_partner_key_follows_edits(self):
        self.partner.mobile = "139 1234 5678"
        self.assertEqual(self.partner.callcenter_mobile_key, "+8613912345678")
        self.assertFalse(self.env["res.partner"]._callcenter_find_by_number("13666661234"))


@tagged("callcenter", "post_install", "-at_install")
class TestPhoneNumberIndex(CallcenterCommon):
    """Checked after the installation: an index built over rows the installing
    transaction has just updated cannot serve that same transaction yet
    (PostgreSQL's pg_index.indcheckxmin), so an at-install plan may ignore it."""

    def test_lookup_uses_index(self):
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(
            "EXPLAIN SELECT id FROM res_partner WHERE callcenter_phone_key = %s "
            "OR callcenter_mobile_key = %s", ["+8613666661234", "+8613666661234"])
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("res_partner__callcenter_phone_key_index", plan)
        self.assertIn("res_partner__callcenter_mobile_key_index", plan)
