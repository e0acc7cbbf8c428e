# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

FIELD_TYPES = [("char", "Text"), ("integer", "Integer"), ("float", "Decimal"),
               ("date", "Date"), ("boolean", "Yes/No"), ("selection", "Choice")]
TRUE_WORDS = {"1", "true", "yes", "y", "x", "是", "真"}
FALSE_WORDS = {"0", "false", "no", "n", "", "否", "假"}


class CallcenterCatiField(models.Model):
    """A campaign-specific sample column (region, age group, customer id...).

    Values live in the case's JSON data under `key`, typed on import, so that
    quotas and the console can use them without a database column per campaign.
    """

    _name = "callcenter.cati.field"
    _description = "CATI Sample Field"
    _order = "sequence, id"

    campaign_id = fields.Many2one("callcenter.cati.campaign", required=True, index=True,
                                  ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Label", required=True, translate=True)
    key = fields.Char(required=True, help="Column name in the sample file and key in the case data.")
    field_type = fields.Selection(FIELD_TYPES, string="Type", required=True, default="char")
    required = fields.Boolean()
    editable = fields.Boolean(default=True, help="Interviewers may correct it in the console.")
    selection_values = fields.Char(help="Comma-separated allowed values of a Choice field.")

    _sql_constraints = [
        ("key_uniq", "unique(campaign_id, key)", "Each sample field key appears once per campaign."),
    ]

    @api.constrains("key")
    def _check_key(self):
        for field in self:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", field.key or ""):
                raise ValidationError(_("Field key %(key)s: use letters, digits and underscores.",
                                        key=field.key))

    def _cati_choices(self):
        return [v.strip() for v in (self.selection_values or "").split(",") if v.strip()]

    def _cati_parse(self, raw):
        """The typed value of a raw sample cell; raises ValueError with a readable reason."""
        self.ensure_one()
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise ValueError(_("%(field)s is required", field=self.name))
            return None
        kind = self.field_type
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
            raise ValueError(_("%(field)s: %(value)s is not a valid %(type)s", field=self.name,
                               value=raw, type=dict(self._fields["field_type"]._description_selection(self.env))[kind])) from None
        text = str(text)
        if kind == "selection" and text not in self._cati_choices():
            raise ValueError(_("%(field)s: %(value)s is not one of %(choices)s", field=self.name,
                               value=text, choices=", ".join(self._cati_choices())))
        return text
