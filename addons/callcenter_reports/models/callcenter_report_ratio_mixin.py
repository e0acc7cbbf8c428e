# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import ROUND_HALF_UP, Decimal

from odoo import models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL


class CallcenterReportRatioMixin(models.AbstractModel):
    """Ratios (service level, ASA, AHT, rates) that stay right when grouped.

    Each fact row stores its own ratio for list views, but the average of row
    ratios is not the ratio of a group: a quiet interval would weigh as much as a
    busy one. Grouped reads (pivot, graph, dashboard, exports) compute every ratio
    measure as SUM(numerator) / SUM(denominator) over the group's rows instead.
    """

    _name = "callcenter.report.ratio.mixin"
    _description = "Call Center Report Ratios"

    # {ratio field: (numerator field, denominator field, factor)}
    _ratio_measures = {}

    def _read_group_select(self, aggregate_spec, query):
        fname, __, func = parse_read_group_spec(aggregate_spec)
        ratio = self._ratio_measures.get(fname)
        if not ratio or func not in ("avg", "sum"):
            return super()._read_group_select(aggregate_spec, query)
        numerator, denominator, factor = ratio
        return SQL(
            "ROUND((%s * SUM(%s) / NULLIF(SUM(%s), 0))::numeric, 2)::float",
            factor,
            self._field_to_sql(self._table, numerator, query),
            self._field_to_sql(self._table, denominator, query),
        )

    @classmethod
    def _ratio(cls, fname, values):
        """The ratio `fname` of one row's (or any sum's) `values` dict, as stored.

        Rounded as PostgreSQL rounds the stored and grouped figures (half away from
        zero, from 15 significant digits), so Python and SQL never differ by 0.01.
        """
        numerator, denominator, factor = cls._ratio_measures[fname]
        if not values[denominator]:
            return 0.0
        value = Decimal(f"{factor * values[numerator] / values[denominator]:.15g}")
        return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    @classmethod
    def _ratio_sql(cls, fname, alias):
        """SQL of the ratio `fname` of one row of `alias`, whose columns carry the
        numerator and denominator: what the refresh stores in each fact row."""
        numerator, denominator, factor = cls._ratio_measures[fname]
        return SQL(
            "COALESCE(ROUND((%s * %s / NULLIF(%s, 0))::numeric, 2)::float, 0)",
            factor, SQL.identifier(alias, numerator), SQL.identifier(alias, denominator),
        )
