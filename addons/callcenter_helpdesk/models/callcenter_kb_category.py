# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CallcenterKbCategory(models.Model):
    """A folder of knowledge base articles; nested so that a large base stays browsable."""

    _name = "callcenter.kb.category"
    _description = "Knowledge Base Category"
    _parent_store = True
    _order = "sequence, id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    parent_id = fields.Many2one("callcenter.kb.category", string="Parent Category", index=True,
                                ondelete="cascade", check_company=True)
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("callcenter.kb.category", "parent_id", string="Subcategories")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True,
                                 help="Leave empty to share the category between companies.")
    article_ids = fields.One2many("callcenter.kb.article", "category_id", string="Articles")
    article_count = fields.Integer(compute="_compute_article_count")

    # ------------------------------------------------------------
    # COMPUTE / CONSTRAINTS
    # ------------------------------------------------------------

    @api.depends("name", "parent_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # Not stored: the name is translated, so the path is built in the reader's language.
        for category in self:
            names, node = [], category
            while node:
                names.append(node.name or "")
                node = node.parent_id
            category.display_name = " / ".join(reversed(names))

    def _compute_article_count(self):
        counts = dict(self.env["callcenter.kb.article"]._read_group(
            [("category_id", "in", self.ids)], ["category_id"], ["__count"]))
        for category in self:
            category.article_count = counts.get(category, 0)

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A category cannot be its own parent."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_articles(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_helpdesk.callcenter_kb_article_action")
        action["domain"] = [("category_id", "child_of", self.id)]
        action["context"] = {"default_category_id": self.id}
        return action
