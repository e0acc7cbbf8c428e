# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.sample_typing import CellTyper

FIELD_TYPES = [("char", "Text"), ("integer", "Integer"), ("float", "Decimal"),
               ("date", "Date"), ("boolean", "Yes/No"), ("selection", "Choice")]


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
        return self._cati_typer().parse(raw)

    def _cati_typer(self):
        """The field's typing rules and messages, in a form that needs no ORM (the
        sample import types its cells in a helper thread)."""
        self.ensure_one()
        choices = self._cati_choices()
        kinds = dict(self._fields["field_type"]._description_selection(self.env))
        return CellTyper(
            self.field_type, choices,
            required=self.env._("%(field)s is required", field=self.name) if self.required
            else None,
            invalid=self.env._("%(field)s: %(value)s is not a valid %(type)s"),
            not_a_choice=self.env._("%(field)s: %(value)s is not one of %(choices)s"),
            template_args={"field": self.name, "type": kinds[self.field_type],
                           "choices": ", ".join(choices)},
        )
