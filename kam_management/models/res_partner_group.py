# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from ..rules.shares import client_share, dependency_level
from .kam_partner_metric import DEPENDENCY_LEVELS

KAM_USER_GROUP = "kam_management.group_kam_user"
KAM_MANAGER_GROUP = "kam_management.group_kam_manager"


class ResPartnerGroup(models.Model):
    """Group accounts (SPEC §8, digest §1.5, §7.6): a parent company and its
    subsidiaries, branches and divisions.

    A company whose parent is a company stays its own commercial entity (its
    orders, invoices and metrics are its own); ``kam_group_id`` links every
    company to the top company of its tree, so that each member belongs to one
    group, once, however deep it sits. The group's figures are the sum of its
    members' metric rows, read when shown: the nightly recompute is untouched.

    Who sees them: the group's figures and those of all its members belong to
    the KAM and account team of the group (its top company) and to the KAM
    Managers; a member's own KAM sees that member only.
    """

    _inherit = "res.partner"

    kam_group_id = fields.Many2one(
        "res.partner", string="Group", compute="_compute_kam_group_id", store=True,
        recursive=True, index="btree_not_null", readonly=True,
        help="The top company of the group this company belongs to (itself for a company "
        "without a parent company). Subsidiaries, branches and divisions are linked to "
        "their parent company.",
    )
    kam_group_member_count = fields.Integer(
        string="Companies in the Group", compute="_compute_kam_group_member_count",
        search="_search_kam_group_member_count",
        help="The companies of the group, its top company included (1: not in a group).",
    )
    kam_group_figures_visible = fields.Boolean(
        compute="_compute_kam_group_figures", groups=KAM_USER_GROUP,
        help="Technical: the user works on the group's key account (its KAM, account team, "
        "or a KAM Manager) and reads the group's figures.",
    )
    kam_group_invoiced_revenue = fields.Monetary(
        string="Group Invoiced Revenue", compute="_compute_kam_group_figures",
        currency_field="kam_currency_id", groups=KAM_USER_GROUP,
    )
    kam_group_ordered_revenue = fields.Monetary(
        string="Group Ordered Revenue", compute="_compute_kam_group_figures",
        currency_field="kam_currency_id", groups=KAM_USER_GROUP,
    )
    kam_group_margin = fields.Monetary(
        string="Group Gross Margin", compute="_compute_kam_group_figures",
        currency_field="kam_currency_id", groups=KAM_USER_GROUP,
    )
    kam_group_basis = fields.Monetary(
        string="Group Basis", compute="_compute_kam_group_figures",
        currency_field="kam_currency_id", groups=KAM_USER_GROUP,
    )
    kam_group_order_count = fields.Integer(
        string="Group Orders", compute="_compute_kam_group_figures", groups=KAM_USER_GROUP,
    )
    kam_group_share = fields.Float(
        string="Group Share (%)", compute="_compute_kam_group_figures", digits=(16, 2),
        groups=KAM_USER_GROUP,
        help="The group's part of the company's basis over the window: the sum of its "
        "members' bases, each counted once.",
    )
    kam_group_margin_share = fields.Float(
        string="Group Margin Share (%)", compute="_compute_kam_group_figures", digits=(16, 2),
        groups=KAM_USER_GROUP,
    )
    kam_group_dependency_level = fields.Selection(
        DEPENDENCY_LEVELS, string="Group Dependency", compute="_compute_kam_group_figures",
        groups=KAM_USER_GROUP,
        help="The dependency level the group's share reaches with the company's thresholds.",
    )
    kam_group_line_ids = fields.Many2many(
        "kam.group.report", string="Group Companies", compute="_compute_kam_group_line_ids",
        groups=KAM_USER_GROUP,
        help="The companies of the group with their figures in the current company, as far "
        "as the user may read them.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("is_company", "parent_id", "parent_id.kam_group_id")
    def _compute_kam_group_id(self):
        for partner in self:
            if not partner.is_company:
                partner.kam_group_id = False
            else:
                partner.kam_group_id = partner.parent_id.kam_group_id or partner

    @api.depends("kam_group_id")
    def _compute_kam_group_member_count(self):
        groups = self.kam_group_id
        counts = {}
        if groups:
            counts = {
                group.id: count
                for group, count in self.sudo().with_context(active_test=False)._read_group(
                    [("kam_group_id", "in", groups.ids)], ["kam_group_id"], ["__count"],
                )
            }
        for partner in self:
            partner.kam_group_member_count = counts.get(partner.kam_group_id.id, 0)

    def _search_kam_group_member_count(self, operator, value):
        """In a group (``> 1``) or not (``<= 1``, ``= 1``): the searches the views use."""
        if (operator, value) == (">", 1):
            operator = "in"
        elif (operator, value) in (("<=", 1), ("=", 1)):
            operator = "not in"
        else:
            raise UserError(self.env._(
                "Search the companies in a group with \"> 1\" (in a group) or \"<= 1\" (alone)."
            ))
        return [("kam_group_id", operator, SQL(
            """(SELECT kam_group_id FROM res_partner
                 WHERE kam_group_id IS NOT NULL AND id != kam_group_id)"""
        ))]

    @api.depends_context("company", "uid")
    @api.depends("kam_group_id")
    def _compute_kam_group_figures(self):
        # A company alone is no group: nothing to read for it.
        groups = self._origin.filtered(lambda partner: partner.kam_group_member_count > 1).kam_group_id
        company = self.env.company
        visible = self.env["kam.account.owned.mixin"]._kam_owned_accounts(groups)
        figures = self._kam_group_figures(visible, company) if visible else {}
        for partner in self:
            group = partner._origin.kam_group_id
            values = figures.get(group.id) if group in visible else None
            partner.kam_group_figures_visible = bool(group) and group in visible
            partner.kam_group_invoiced_revenue = values["invoiced_revenue"] if values else 0.0
            partner.kam_group_ordered_revenue = values["ordered_revenue"] if values else 0.0
            partner.kam_group_margin = values["margin"] if values else 0.0
            partner.kam_group_basis = values["basis_amount"] if values else 0.0
            partner.kam_group_order_count = values["order_count"] if values else 0
            partner.kam_group_share = (values["share"] or 0.0) if values else 0.0
            partner.kam_group_margin_share = (values["margin_share"] or 0.0) if values else 0.0
            partner.kam_group_dependency_level = values["dependency_level"] if values else "none"

    @api.depends_context("company", "uid")
    @api.depends("kam_group_id")
    def _compute_kam_group_line_ids(self):
        groups = self._origin.filtered(lambda partner: partner.kam_group_member_count > 1).kam_group_id
        lines = self.env["kam.group.report"]
        if groups:
            lines = lines.search([
                ("group_id", "in", groups.ids), ("company_id", "=", self.env.company.id),
            ])
        for partner in self:
            group = partner._origin.kam_group_id
            partner.kam_group_line_ids = lines.filtered(lambda line, group=group: line.group_id == group)

    # ------------------------------------------------------------------
    # CRUD: who puts a company in a group
    # ------------------------------------------------------------------

    def _auto_init(self):
        """The group of every company, set in one statement at install (the ORM
        would compute it partner by partner)."""
        cr = self.env.cr
        if not column_exists(cr, "res_partner", "kam_group_id"):
            create_column(cr, "res_partner", "kam_group_id", "int4")
            cr.execute(SQL(
                """
                WITH RECURSIVE tree AS (
                    SELECT partner.id, partner.id AS group_id
                      FROM res_partner partner
                 LEFT JOIN res_partner parent ON parent.id = partner.parent_id
                     WHERE partner.is_company IS TRUE AND parent.is_company IS NOT TRUE
                     UNION ALL
                    SELECT child.id, tree.group_id
                      FROM res_partner child
                      JOIN tree ON child.parent_id = tree.id
                     WHERE child.is_company IS TRUE
                )
                UPDATE res_partner partner SET kam_group_id = tree.group_id
                  FROM tree WHERE tree.id = partner.id
                """
            ))
        return super()._auto_init()

    def write(self, vals):
        """The KAM of a group reads its companies' figures: only a KAM Manager moves
        a client into or out of a group (of more than one company) that somebody
        manages as a key account.

        Companies only: a person who changes account, or a partner that becomes
        or stops being a company, changes its commercial entity, which the
        identity checks of ``res_partner.py`` govern.
        """
        if self.env.su or vals.keys().isdisjoint(("parent_id", "is_company")) or (
            self.env.user.has_group(KAM_MANAGER_GROUP)
        ):
            return super().write(vals)
        scope = self.sudo().with_context(active_test=False).search([("id", "child_of", self.ids)])
        before = {partner.id: partner.kam_group_id for partner in scope}
        result = super().write(vals)
        moved = scope.filtered(lambda partner: (
            before[partner.id] and partner.kam_group_id and partner.kam_group_id != before[partner.id]
        ))
        groups = moved.kam_group_id.union(*(before[partner.id] for partner in moved))
        # A group of these clients only (a company made a person, a company alone) opens nothing.
        others = self.sudo().with_context(active_test=False).search([
            ("kam_group_id", "in", groups.ids), ("id", "not in", moved.ids),
        ]).kam_group_id
        managed = (groups & others)._kam_group_managed()
        if managed:
            raise AccessError(self.env._(
                "%(companies)s cannot join or leave the group of %(groups)s: the group is managed "
                "as a key account, and its KAM reads the figures of its companies. Ask a KAM "
                "Manager to change the parent company.",
                companies=", ".join(moved.mapped("name")),
                groups=", ".join(managed.mapped("name")),
            ))
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_kam_open_group(self):
        """The companies of the group with their figures (group analysis)."""
        self.ensure_one()
        group = self.kam_group_id or self.commercial_partner_id.kam_group_id
        action = self.env["ir.actions.act_window"]._for_xml_id("kam_management.kam_group_report_action")
        action["domain"] = [("group_id", "=", group.id)]
        action["context"] = {}
        action["display_name"] = self.env._("Group %(group)s", group=group.display_name)
        return action

    def action_kam_open_white_space(self):
        """What similar key accounts (and the group's other companies) buy and this account does not."""
        self.ensure_one()
        account = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id("kam_management.kam_white_space_action")
        action["domain"] = ["|", ("account_id", "=", account.id), ("partner_id", "=", account.id)]
        action["display_name"] = self.env._("White Space of %(account)s", account=account.display_name)
        return action

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _kam_group_managed(self):
        """The groups of ``self`` (top companies) with a KAM or an account team in any company."""
        if not self:
            return self
        rows = self.env["kam.account"].sudo().search([
            ("partner_id", "in", self.ids),
            "|", ("kam_user_id", "!=", False), ("kam_team_user_ids", "!=", False),
        ])
        return rows.partner_id

    @api.model
    def _kam_group_figures(self, groups, company):
        """{group id: figures} of these groups (top companies of more than one
        company) in ``company``, as superuser: the callers decide who may read them.

        The sums of the metric rows of the group's companies (each company,
        hence each order, once), their shares of the company totals the
        recompute measured the shares on, and the dependency level of the
        group's share (``rules.shares``).
        """
        if not groups:
            return {}
        self.env["kam.partner.metric"].flush_model()
        self.flush_model(["kam_group_id"])
        rows = self.env.execute_query_dict(SQL(
            """
            SELECT member.kam_group_id AS group_id,
                   COUNT(DISTINCT member.id) AS member_count,
                   COALESCE(SUM(metric.invoiced_revenue), 0)::float8 AS invoiced_revenue,
                   COALESCE(SUM(metric.ordered_revenue), 0)::float8 AS ordered_revenue,
                   COALESCE(SUM(metric.margin), 0)::float8 AS margin,
                   COALESCE(SUM(metric.basis_amount), 0)::float8 AS basis_amount,
                   COALESCE(SUM(metric.order_count), 0)::int AS order_count
              FROM res_partner member
         LEFT JOIN kam_partner_metric metric
                ON metric.partner_id = member.id AND metric.company_id = %(company)s
             WHERE member.kam_group_id = ANY(%(groups)s)
          GROUP BY member.kam_group_id
            """,
            company=company.id, groups=groups.ids,
        ))
        # A company alone is no group: no totals to read for it.
        rows = [row for row in rows if row["member_count"] > 1]
        if not rows:
            return {}
        # the company's totals, as the shares of its clients are measured on
        [totals] = self.env.execute_query_dict(SQL(
            """
            SELECT COALESCE(MAX(t.total_basis), 0)::float8 AS basis,
                   COALESCE(MAX(t.total_margin), 0)::float8 AS margin
              FROM %s t
            """,
            self.env["kam.partner.metric"]._totals_sql([company.id]),
        ))
        figures = {}
        for row in rows:
            share = client_share(row["basis_amount"], totals["basis"])
            figures[row["group_id"]] = dict(
                row,
                share=share,
                margin_share=client_share(row["margin"], totals["margin"]),
                dependency_level=dependency_level(
                    share, company.kam_key_share, company.kam_critical_share, company.kam_mono_share,
                ),
            )
        return figures

    def _kam_map_group(self):
        """The group of this account for the map: its companies, the DMU size of
        each in the current company as far as the user may read it."""
        self.ensure_one()
        group = self.commercial_partner_id.kam_group_id
        if not group:
            return False
        companies = self.sudo().search([("kam_group_id", "=", group.id)], order="name, id")
        if len(companies) < 2:
            return False
        counts = {
            partner.id: count
            for partner, count in self.env["kam.dmu.member"]._read_group(
                [("partner_id", "in", companies.ids), ("company_id", "=", self.env.company.id)],
                ["partner_id"], ["__count"],
            )
        }
        # The tree from the top company down, each company under its parent.
        children = {}
        for company in companies:
            children.setdefault(company.parent_id.id, []).append(company)
        ordered = []
        todo = [(group, 0)]
        while todo:
            company, depth = todo.pop()
            ordered.append((company, depth))
            todo.extend((child, depth + 1) for child in reversed(children.get(company.id, [])))
        return {
            "id": group.id,
            "name": group.sudo().display_name,
            "companies": [
                {
                    "id": company.id,
                    "name": company.name,
                    "parent_id": company.parent_id.id if company != group else False,
                    "depth": depth,
                    "dmu_count": counts.get(company.id, 0),
                    "current": company == self.commercial_partner_id,
                }
                for company, depth in ordered
            ],
        }
