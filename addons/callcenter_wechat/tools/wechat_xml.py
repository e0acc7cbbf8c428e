# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks run on the webhook's XML before any XML parser sees it.

WeChat sends small UTF-8 documents with a single `<xml>` root and CDATA sections:
never a document type, an entity declaration or another encoding. Anything of the
kind is an attack (external entities reading local files, entity expansion bombs,
an encoding that hides markup from these checks), so it is refused outright rather
than left to the parser's settings. Pure functions, no Odoo: tested without a server.
"""

import hashlib
import hmac
import re

# `<!` opens a CDATA section, a comment or a markup declaration (DOCTYPE, ENTITY,
# ELEMENT, ATTLIST, NOTATION). Only the first two may appear in WeChat's XML.
_MARKUP = re.compile(r"<!(\[CDATA\[|--)?")
_CLOSERS = {"[CDATA[": "]]>", "--": "-->"}
_DECLARATION = re.compile(r"\A\s*<\?xml\s[^<>]*?\?>")
_ENCODING = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class XmlRefused(ValueError):
    """The body is not XML this webhook accepts; the message says why, for the log."""


def decode_body(body):
    """The body as text: UTF-8 only (WeChat's encoding), without a byte order mark.

    Decoding first means every later check reads the same characters the parser will.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise XmlRefused("body is not UTF-8") from exc
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise XmlRefused("body holds NUL characters")
    return text


def check_xml(text):
    """Raise XmlRefused if `text` declares a document type or entities, or an encoding
    other than UTF-8.

    Markup inside CDATA sections and comments is skipped: a customer may well type
    "<!DOCTYPE" in a message, which WeChat sends as CDATA text that is harmless.
    """
    declaration = _DECLARATION.match(text)
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and encoding.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise XmlRefused(f"XML encoding {encoding.group(1)!r} is not UTF-8")
    position = 0
    while match := _MARKUP.search(text, position):
        opener = match.group(1)
        if opener is None:
            raise XmlRefused("XML with a DOCTYPE or ENTITY declaration")
        end = text.find(_CLOSERS[opener], match.end())
        if end < 0:
            # An unterminated section swallows the rest of the document: nothing after
            # it can be markup, and the parser refuses the document as malformed.
            return
        position = end + len(_CLOSERS[opener])


def wechat_signature(*parts):
    """WeChat's signature: SHA-1 of the sorted, concatenated parts (token, timestamp,
    nonce, and for encrypted messages the ciphertext)."""
    return hashlib.sha1("".join(sorted(str(part) for part in parts)).encode()).hexdigest()


def signature_matches(expected, received):
    """Constant-time comparison, so the time taken tells nothing about the signature."""
    return hmac.compare_digest(expected.encode(), (received or "").encode())
