# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The typing of a sample field's cells, apart from the ORM.

`callcenter.cati.field._cati_parse` types one value the console corrects; the
sample import types a million, in a helper thread that must not touch the ORM.
Both use `CellTyper`, which the field builds with its type, choices and
translated messages (`callcenter.cati.field._cati_typer`), so the rules and
the messages are the same in both places.
"""

from datetime import date

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "x", "是", "真"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "", "否", "假"})


class CellTyper:
    """`parse(raw)` gives a cell's typed value, None for an empty cell, or raises
    ValueError with a readable reason.

    `required` is the message of an empty required cell (None when the field
    is not required); `invalid` and `not_a_choice` are translated templates
    with `%(value)s`, filled with `template_args` and the cell.
    """

    __slots__ = ("kind", "required", "choices", "invalid", "not_a_choice", "template_args")

    def __init__(self, kind, choices, required, invalid, not_a_choice, template_args):
        self.kind = kind
        self.choices = tuple(choices)
        self.required = required
        self.invalid = invalid
        self.not_a_choice = not_a_choice
        self.template_args = template_args

    def parse(self, raw):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise ValueError(self.required)
            return None
        kind = self.kind
        text = raw.strip() if isinstance(raw, str) else raw
        try:
            if kind == "integer":
                number = float(text)
                if number != int(number):
                    raise ValueError
                return int(number)
            if kind == "float":
                return float(text)
            if kind == "date":
                if isinstance(text, date):
                    return text.isoformat()[:10]
                return date.fromisoformat(str(text)[:10]).isoformat()
            if kind == "boolean":
                word = str(text).strip().lower()
                if word in TRUE_WORDS:
                    return True
                if word in FALSE_WORDS:
                    return False
                raise ValueError
        except (TypeError, ValueError):
            raise ValueError(self.invalid % {**self.template_args, "value": raw}) from None
        text = str(text)
        if kind == "selection" and text not in self.choices:
            raise ValueError(self.not_a_choice % {**self.template_args, "value": text})
        return text
