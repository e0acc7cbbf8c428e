# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CallcenterCommon


@tagged("callcenter")
class TestCallcenterBlacklist(CallcenterCommon):
    def test_exact_and_prefix_match(self):
        Blacklist = self.env["callcenter.blacklist"]
        exact = Blacklist.create({"number": "0086 136 6666 1234", "reason": "Abuse"})
        prefix = Blacklist.create({"number": "400", "is_prefix": True, "reason": "Robocalls",
                                   "direction": "both"})
        self.assertEqual(exact.number_normalized, "+8613666661234")
        self.assertEqual(prefix.number_normalized, "+86400")
        self.assertEqual(Blacklist._callcenter_match("136 6666 1234"), exact)
        self.assertEqual(Blacklist._callcenter_match("400 123 4567"), prefix)
        self.assertEqual(Blacklist._callcenter_match("+86 400 123 4567", "outbound"), prefix)
        self.assertFalse(Blacklist._callcenter_match("136 6666 1234", "outbound"))
        self.assertFalse(Blacklist._callcenter_match("139 0013 8000"))
        self.assertTrue(self.partner.callcenter_blacklisted)

    def test_expired_and_archived_entries_do_not_match(self):
        Blacklist = self.env["callcenter.blacklist"]
        entry = Blacklist.create({
            "number": "13666661234", "reason": "Temporary",
            "date_expiry": fields.Datetime.now() - timedelta(days=1),
        })
        self.assertFalse(Blacklist._callcenter_match("13666661234"))
        entry.date_expiry = fields.Datetime.now() + timedelta(days=1)
        self.assertTrue(Blacklist._callcenter_match("13666661234"))
        entry.active = False
        self.assertFalse(Blacklist._callcenter_match("13666661234"))

    def test_prefix_characters_are_not_patterns(self):
        Blacklist = self.env["callcenter.blacklist"]
        Blacklist.create({"number": "+86 165", "is_prefix": True, "reason": "Range"})
        self.assertFalse(Blacklist._callcenter_match("+86 1 6 6 0000 0000"))
        self.assertTrue(Blacklist._callcenter_match("16500001111"))

    def test_rejects_non_numbers(self):
        with self.assertRaisesRegex(ValidationError, "is not a phone number"):
            self.env["callcenter.blacklist"].create({"number": "spam", "reason": "x"})
