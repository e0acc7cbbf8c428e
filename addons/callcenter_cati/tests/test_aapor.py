# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from ..tools import aapor
from .common import MONDAY_0200_UTC, CatiCommon

# Worked by hand: I=40 P=10 R=20 NC=15 O=5 UH=30 UO=10 NE=20,
# e = (40+10+20+15+5) / (90+20) = 9/11.
COUNTS = {"I": 40, "P": 10, "R": 20, "NC": 15, "O": 5, "UH": 30, "UO": 10, "NE": 20}
EXPECTED = {
    "RR1": 40 / 130, "RR2": 50 / 130, "RR3": 40 / (90 + 40 * 9 / 11), "RR4": 50 / (90 + 40 * 9 / 11),
    "RR5": 40 / 90, "RR6": 50 / 90,
    "COOP1": 40 / 75, "COOP2": 50 / 75, "COOP3": 40 / 70, "COOP4": 50 / 70,
    "REF1": 20 / 130, "REF2": 20 / (90 + 40 * 9 / 11), "REF3": 20 / 90,
    "CON1": 75 / 130, "CON2": 75 / (90 + 40 * 9 / 11), "CON3": 75 / 90,
}


@tagged("callcenter")
class TestAaporFormulas(TransactionCase):
    def test_hand_computed_rates(self):
        rates = aapor.rates(COUNTS)
        for name, value in EXPECTED.items():
            self.assertAlmostEqual(rates[name], value, places=9, msg=name)
        self.assertAlmostEqual(rates["RR1"], 0.307692, places=6)
        self.assertAlmostEqual(rates["RR3"], 0.325926, places=6)
        self.assertAlmostEqual(rates["CON2"], 0.611111, places=6)

    def test_given_eligibility_estimate(self):
        rates = aapor.rates(COUNTS, e=0.5)
        self.assertAlmostEqual(rates["RR3"], 40 / 110)
        self.assertAlmostEqual(rates["REF2"], 20 / 110)

    def test_empty_campaign(self):
        self.assertEqual(set(aapor.rates({}).values()), {0.0})


@tagged("callcenter")
class TestCampaignRates(CatiCommon):
    def test_rates_from_case_outcomes(self):
        outcomes = ["complete"] * 4 + ["partial", "refusal_soft", "refusal_soft", "no_answer",
                                       "machine_household", "not_eligible"]
        for key in outcomes:
            self.close(self._case(), key, now=MONDAY_0200_UTC)
        self._case()  # never called: 3.11, unknown eligibility
        counts = self.campaign._cati_aapor_counts()[self.campaign.id]
        self.assertEqual(counts, {"I": 4, "P": 1, "R": 2, "NC": 1, "O": 0, "UH": 2, "UO": 0, "NE": 1})
        self.campaign.invalidate_recordset()
        self.assertAlmostEqual(self.campaign.aapor_rr1, 100 * 4 / 10, places=1)
        self.assertAlmostEqual(self.campaign.aapor_rr6, 100 * 5 / 8, places=1)
        self.assertAlmostEqual(self.campaign.aapor_coop1, 100 * 4 / 7, places=1)
        self.assertAlmostEqual(self.campaign.aapor_con3, 100 * 7 / 8, places=1)
