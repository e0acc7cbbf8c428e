# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""`normalize_number` at a microsecond a number, for samples.

A million-row sample holds a million or more numbers, nearly all written the
same few ways: E.164 already (`+8613800138000`, `+1 212 555 0100`), or in the
national notation of the call center's country (`13800138000`,
`010-6552 9988`). phonenumbers parses each of them in about 30 µs, most of a
sample import's Python time. For these shapes, `NumberNormalizer` takes
phonenumbers' own steps itself, from the same metadata (country calling codes,
international and national prefixes, the national number pattern and the
possible lengths): digits in, the same E.164 out. Whatever it is not sure of
(letters, brackets, an international or national prefix, a number that is not
possible) goes to `normalize_number`, so the result is always the one
`normalize_number` gives.

Nothing here knows Odoo. phonenumbers loads a region's metadata on first use,
which two threads must not do at once: a normalizer loads every region's when
it is made (a tenth of a second), so that the import's helper thread never does.
"""

import re

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

from odoo.addons.callcenter_base.tools.phone import EXTENSION_MAX_DIGITS, normalize_number

# ASCII digits in groups split by single spaces or hyphens: nothing that phonenumbers
# would read as letters, an extension, a second number or RFC 3966.
PLAIN_INTERNATIONAL = re.compile(r"\+[0-9]+(?:[ -][0-9]+)*")
PLAIN_NATIONAL = re.compile(r"[0-9]+(?:[ -][0-9]+)*")
MAX_COUNTRY_CODE_DIGITS = 3  # phonenumbers' _MAX_LENGTH_COUNTRY_CODE
MIN_NSN_DIGITS = 2  # _MIN_LENGTH_FOR_NSN
MAX_NSN_DIGITS = 17  # _MAX_LENGTH_FOR_NSN


class _Plan:
    """What parsing needs of one region's metadata, compiled once."""

    __slots__ = ("prefix", "idd", "national_prefix", "simple_prefix", "general", "strip_lengths",
                 "possible_lengths")

    def __init__(self, metadata, main):
        self.prefix = str(metadata.country_code)
        self.idd = re.compile(metadata.international_prefix) if metadata.international_prefix \
            else None
        self.national_prefix = re.compile(metadata.national_prefix_for_parsing) \
            if metadata.national_prefix_for_parsing else None
        # With a transform rule the prefix is rewritten, not cut: left to phonenumbers.
        self.simple_prefix = not metadata.national_prefix_transform_rule
        general = metadata.general_desc
        self.general = re.compile(general.national_number_pattern or r"(?!)")
        # A cut national prefix is kept when the rest has a possible, not local-only,
        # length (parse's _test_number_length on the general description).
        self.strip_lengths = frozenset(general.possible_length) - frozenset(
            general.possible_length_local_only)
        # is_possible_number looks at the main region of the country calling code.
        main_general = main.general_desc
        self.possible_lengths = frozenset(main_general.possible_length) | frozenset(
            main_general.possible_length_local_only)


def _main_metadata(country_code):
    return PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, phonenumbers.region_code_for_country_code(country_code))


def _country_plans():
    plans = {}
    for code in COUNTRY_CODE_TO_REGION_CODE:
        main = _main_metadata(code)
        if main:
            plans[code] = _Plan(main, main)
    for region in phonenumbers.SUPPORTED_REGIONS:
        PhoneMetadata.metadata_for_region(region)  # loaded now, not in a helper thread
    return plans


_COUNTRY_PLANS = {}


def _plans():
    if not _COUNTRY_PLANS:
        _COUNTRY_PLANS.update(_country_plans())
    return _COUNTRY_PLANS


def split_international(digits):
    """(country calling code, national significant number) of `+digits` as
    phonenumbers.parse reads them, or None when its reading is not that plain
    one: no known country code, a leading zero, or a national prefix to cut.

    A plain `+digits` always normalizes to itself (a number that is not
    possible falls back to "+" and its digits), which is why knowing that
    parse cuts nothing is enough.
    """
    if digits[:1] in ("", "0"):
        return None
    for length in range(1, MAX_COUNTRY_CODE_DIGITS + 1):
        code = int(digits[:length])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = digits[length:]
    plan = _plans().get(code)
    if (not plan or not MIN_NSN_DIGITS <= len(national) <= MAX_NSN_DIGITS
            or national[0] == "0"
            or (plan.national_prefix and plan.national_prefix.match(national))):
        return None
    return code, national


class NumberNormalizer:
    """`normalize(raw)` is `normalize_number(raw, region)`, with fast paths."""

    def __init__(self, region):
        self.region = (region or "").upper() or None
        _plans()
        metadata = PhoneMetadata.metadata_for_region(self.region) if self.region else None
        self._national = _Plan(metadata, _main_metadata(metadata.country_code)) \
            if metadata else None

    def normalize(self, raw):
        text = raw.strip()
        if PLAIN_INTERNATIONAL.fullmatch(text):
            digits = text[1:].replace(" ", "").replace("-", "")
            if split_international(digits):
                return "+" + digits
        elif self._national and PLAIN_NATIONAL.fullmatch(text):
            digits = text.replace(" ", "").replace("-", "")
            if len(digits) <= EXTENSION_MAX_DIGITS:
                return digits
            national = self._national_number(digits)
            if national:
                return "+" + self._national.prefix + national
        return normalize_number(raw, self.region)

    def _national_number(self, digits):
        """The national significant number phonenumbers.parse(digits, region) finds,
        when the number is possible and read plainly; None otherwise."""
        plan = self._national
        if (plan.idd and plan.idd.match(digits)) or digits.startswith(plan.prefix):
            return None  # an international or country calling code prefix
        national = digits
        match = plan.national_prefix.match(digits) if plan.national_prefix else None
        if match:
            if not plan.simple_prefix:
                return None
            rest = digits[match.end():]
            if not plan.general.fullmatch(digits) or plan.general.fullmatch(rest):
                if len(rest) not in plan.strip_lengths:
                    return None
                national = rest
        if (national[0] == "0" or len(national) > MAX_NSN_DIGITS
                or len(national) not in plan.possible_lengths):
            return None
        return national
