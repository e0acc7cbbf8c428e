# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scheduler's queue indexes without B-tree deduplication (see
`callcenter.cati.case.init`): the option applies to the entries written from
then on, so the indexes are rebuilt."""

from odoo.tools import SQL

QUEUE_INDEXES = (
    "callcenter_cati_case_pick_idx",
    "callcenter_cati_case_appointment_idx",
    "callcenter_cati_case_appointment_agent_idx",
)


def migrate(cr, version):
    for name in QUEUE_INDEXES:
        cr.execute(SQL("SELECT to_regclass(%s)", name))
        if cr.fetchone()[0]:
            index = SQL.identifier(name)
            cr.execute(SQL("ALTER INDEX %s SET (deduplicate_items = off)", index))
            cr.execute(SQL("REINDEX INDEX %s", index))
