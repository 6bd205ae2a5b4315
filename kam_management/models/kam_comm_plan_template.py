# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models
from odoo.exceptions import UserError


class KamCommPlanTemplate(models.Model):
    """A reusable communication plan (SPEC §3, digest §5.1.4, §5.1.5).

    Seeded with the Key account, Regular client and Former client plans;
    applying a template to accounts creates their plan lines.
    """

    _name = "kam.comm.plan.template"
    _description = "Communication Plan Template"
    _inherit = ["kam.shared.config.mixin", "kam.derived.fields.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the template between companies."
    )
    line_ids = fields.One2many("kam.comm.plan.template.line", "template_id", string="Lines", copy=True)
    line_count = fields.Integer(compute="_compute_line_count")

    def _compute_line_count(self):
        counts = dict(
            self.env["kam.comm.plan.template.line"]._read_group(
                [("template_id", "in", self.ids)], ["template_id"], ["__count"]
            )
        )
        for template in self:
            template.line_count = counts.get(template, 0)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        return [
            dict(vals, name=self.env._("%(name)s (copy)", name=template.name))
            if "name" not in (default or {}) else vals
            for template, vals in zip(self, vals_list, strict=True)
        ]

    def _kam_apply(self, partners, user=None, start_date=None):
        """Create the plan lines of this template on ``partners`` (commercial entities).

        A template line already applied to an account (an active plan line made
        from it) is not duplicated. Returns the new plan lines.
        """
        self.ensure_one()
        if not self.line_ids:
            raise UserError(self.env._("The template %(name)s has no lines.", name=self.name))
        accounts = partners.commercial_partner_id
        PlanLine = self.env["kam.comm.plan.line"]
        existing = set(
            PlanLine.search_fetch(
                [
                    ("partner_id", "in", accounts.ids),
                    ("template_line_id", "in", self.line_ids.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["partner_id", "template_line_id"],
            ).mapped(lambda line: (line.partner_id.id, line.template_line_id.id))
        )
        user = user or self.env.user
        start_date = start_date or fields.Date.context_today(self)
        vals_list = []
        for account in accounts:
            for tline in self.line_ids:
                if (account.id, tline.id) in existing:
                    continue
                vals_list.append(
                    tline._kam_plan_line_values(account, user, start_date)
                )
        lines = PlanLine.create(vals_list)
        # Named in every language of the template line, not only the applier's.
        lines._kam_copy_template_names()
        return lines

    def action_apply_to_accounts(self):
        self.ensure_one()
        return self.env["kam.comm.plan.apply.wizard"]._kam_open(default_template_id=self.id)

