# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""AAPOR Standard Definitions outcome rates, from the counts of final dispositions.

Categories: I complete, P partial, R refusal and break-off, NC non-contact,
O other eligible non-interview, UH unknown if household/eligible unit,
UO unknown other, NE not eligible. `e` is the estimated share of eligible
cases among those of unknown eligibility; by default the proportional
estimate (I+P+R+NC+O) / (I+P+R+NC+O+NE), as AAPOR suggests when nothing
better is known.
"""

CATEGORIES = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")
RATE_NAMES = ("RR1", "RR2", "RR3", "RR4", "RR5", "RR6", "COOP1", "COOP2", "COOP3", "COOP4",
              "REF1", "REF2", "REF3", "CON1", "CON2", "CON3")


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else 0.0


def estimated_eligibility(counts):
    known_eligible = sum(counts.get(k, 0) for k in ("I", "P", "R", "NC", "O"))
    return _ratio(known_eligible, known_eligible + counts.get("NE", 0))


def rates(counts, e=None):
    """All AAPOR rates as ratios (0..1) for `counts` {category: number}."""
    c = {key: float(counts.get(key, 0)) for key in CATEGORIES}
    if e is None:
        e = estimated_eligibility(c)
    interviews = c["I"] + c["P"]
    eligible_non = c["R"] + c["NC"] + c["O"]
    unknown = c["UH"] + c["UO"]
    all_known = interviews + eligible_non
    contacted = interviews + c["R"] + c["O"]
    return {
        "RR1": _ratio(c["I"], all_known + unknown),
        "RR2": _ratio(interviews, all_known + unknown),
        "RR3": _ratio(c["I"], all_known + e * unknown),
        "RR4": _ratio(interviews, all_known + e * unknown),
        "RR5": _ratio(c["I"], all_known),
        "RR6": _ratio(interviews, all_known),
        "COOP1": _ratio(c["I"], interviews + c["R"] + c["O"]),
        "COOP2": _ratio(interviews, interviews + c["R"] + c["O"]),
        "COOP3": _ratio(c["I"], interviews + c["R"]),
        "COOP4": _ratio(interviews, interviews + c["R"]),
        "REF1": _ratio(c["R"], all_known + unknown),
        "REF2": _ratio(c["R"], all_known + e * unknown),
        "REF3": _ratio(c["R"], all_known),
        "CON1": _ratio(contacted, contacted + c["NC"] + unknown),
        "CON2": _ratio(contacted, contacted + c["NC"] + e * unknown),
        "CON3": _ratio(contacted, contacted + c["NC"]),
    }
