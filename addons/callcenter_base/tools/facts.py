# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers to read the connector's facts: timestamps and device keys."""

from datetime import datetime, timezone


def fact_datetime(value):
    """Epoch seconds (as Asterisk's Timestamp) to the naive UTC datetime Odoo stores."""
    if value in (None, False, ""):
        return False
    return datetime.fromtimestamp(float(value), tz=timezone.utc).replace(tzinfo=None, microsecond=0)


def device_key(interface):
    """The agent's device without dial options: `Local/1001@agents/n` -> `Local/1001@agents`."""
    if not interface:
        return ""
    text = interface.strip()
    if text.lower().startswith("local/") and text.count("/") >= 2:
        text = text.rsplit("/", 1)[0]
    return text
