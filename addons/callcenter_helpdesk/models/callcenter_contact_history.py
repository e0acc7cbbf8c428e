# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import SQL

# Each source's rows get ids `record id * HISTORY_ID_SLOTS + slot`, so that the ids of
# the union are unique and stable; the glue modules take the next free slots.
HISTORY_ID_SLOTS = 10


class CallcenterContactHistory(models.Model):
    """Everything that happened with a contact, newest first: calls, tickets (from the
    phone, the portal or e-mail) and, when their modules are installed, chats.

    A SQL view unioning one SELECT per source (`_callcenter_history_sources`); a glue
    module adds a source, a `kind`, and a many2one column to the source's record.
    Rows are searched only among the source records the user may read.
    """

    _name = "callcenter.contact.history"
    _description = "Contact History"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"

    date = fields.Datetime(readonly=True)
    kind = fields.Selection([("call", "Call"), ("ticket", "Ticket")], string="Type",
                            readonly=True)
    name = fields.Char(string="Subject", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    user_id = fields.Many2one("res.users", string="Handled By", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    call_id = fields.Many2one("callcenter.call", readonly=True)
    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    call_state = fields.Selection(related="call_id.state", string="Call State")
    ticket_stage_id = fields.Many2one(related="ticket_id.stage_id", string="Ticket Stage")

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @property
    def _table_query(self):
        columns = [
            (name, field.column_type[1]) for name, field in self._fields.items()
            if field.store and field.column_type
        ]
        selects = []
        for source, expressions in self._callcenter_history_sources():
            selects.append(SQL(
                "SELECT %s FROM %s",
                SQL(", ").join(
                    SQL("%s AS %s", expressions.get(name) or SQL("NULL::%s", SQL(pg_type)),
                        SQL.identifier(name))
                    for name, pg_type in columns
                ),
                source,
            ))
        return SQL(" UNION ALL ").join(selects)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Only the rows of records the user may read: the view has no rules of its own."""
        if not self.env.su:
            domain = expression.AND([domain, self._callcenter_access_domain()])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _check_access(self, operation):
        """Reading a row by its id needs the right to read its call, ticket or chat,
        as searching does."""
        result = super()._check_access(operation)
        if result or self.env.su or not any(self._ids):
            return result
        forbidden = self - self.search([("id", "in", self.ids)])
        if forbidden:
            return forbidden, lambda: AccessError(_(
                "You may not see this history entry: you cannot read the call, ticket "
                "or conversation it shows."))
        return None

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _callcenter_history_sources(self):
        """[(FROM clause, {column: SQL expression})]; missing columns are NULL."""
        return [
            (SQL("callcenter_call c"), {
                "id": SQL("c.id * %s + 1", HISTORY_ID_SLOTS),
                "date": SQL("c.started_at"),
                "kind": SQL("'call'"),
                "name": SQL("COALESCE(NULLIF(LEFT(c.summary, 120), ''), c.customer_number)"),
                "partner_id": SQL("c.partner_id"),
                "user_id": SQL("c.user_id"),
                "company_id": SQL("c.company_id"),
                "call_id": SQL("c.id"),
            }),
            (SQL("helpdesk_ticket t"), {
                "id": SQL("t.id * %s + 2", HISTORY_ID_SLOTS),
                "date": SQL("t.create_date"),
                "kind": SQL("'ticket'"),
                "name": SQL("CONCAT(t.number, ' - ', t.name)"),
                "partner_id": SQL("t.partner_id"),
                "user_id": SQL("t.user_id"),
                "company_id": SQL("t.company_id"),
                "channel_id": SQL("t.channel_id"),
                "ticket_id": SQL("t.id"),
            }),
        ]

    def _callcenter_history_record_fields(self):
        """The many2one columns pointing at each source's record."""
        return ["call_id", "ticket_id"]

    def _callcenter_access_domain(self):
        domains = []
        for name in self._callcenter_history_record_fields():
            comodel = self.env[self._fields[name].comodel_name].with_context(active_test=False)
            if comodel.has_access("read"):
                domains.append([(name, "in", comodel._search([]))])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    def action_open_record(self):
        self.ensure_one()
        for name in self._callcenter_history_record_fields():
            record = self[name]
            if record:
                return {
                    "type": "ir.actions.act_window",
                    "res_model": record._name,
                    "res_id": record.id,
                    "views": [[False, "form"]],
                    "target": "current",
                }
        return False
