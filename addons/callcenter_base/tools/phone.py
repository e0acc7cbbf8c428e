# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One canonical form for every phone number the suite stores or looks up.

Calls, contacts and blacklist entries are matched by equality on this form,
so `+86 138 0013 8000`, `0086-138-0013-8000` and `13800138000` (dialled in
China) must all give the same key, while a short internal extension stays a
plain string of digits.
"""

import phonenumbers

EXTENSION_MAX_DIGITS = 6


def _digits(raw):
    return "".join(ch for ch in raw if ch.isdigit())


def _parse(text, region):
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


def normalize_number(raw, region=None):
    """E.164 for a dialable number, digits only for extensions and unparsable input.

    `region` is an ISO country code (`CN`) used for national notation; `00` and
    `+` prefixes are understood without it.
    """
    if not raw:
        return ""
    text = str(raw).strip()
    digits = _digits(text)
    if not digits:
        return ""
    if len(digits) <= EXTENSION_MAX_DIGITS and not text.startswith("+"):
        return digits
    region = (region or "").upper() or None
    international = text.startswith("+") or (text.startswith("00") and not region)
    if text.startswith("00") and not region:
        text = "+" + digits[2:]
    parsed = _parse(text, None if international else region)
    if parsed is None and region and not international:
        retry = _parse("+" + digits, None)
        parsed = retry if retry is not None and phonenumbers.is_valid_number(retry) else None
    if parsed is None:
        return "+" + digits if international else digits
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalize_prefix(raw, region=None):
    """The canonical form of a number prefix, comparable with `normalize_number` keys.

    International prefixes (`+86400`, `0086400`) keep their country code; a
    national prefix (`400`, `010`) gets the region's country code with the
    trunk `0` removed, since full numbers are stored that way.
    """
    text = str(raw or "").strip()
    digits = _digits(text)
    if not digits:
        return ""
    if text.startswith("+"):
        return "+" + digits
    if text.startswith("00"):
        return "+" + digits[2:]
    code = phonenumbers.country_code_for_region((region or "").upper()) if region else 0
    if not code:
        return digits
    return "+%d%s" % (code, digits[1:] if digits.startswith("0") else digits)
