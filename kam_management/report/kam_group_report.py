# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.kam_partner_metric import DEPENDENCY_LEVELS


class KamGroupReport(models.Model):
    """The companies of each group account, one row per company and one of our
    companies, with its own figures (``kam.partner.metric``) and its part of
    the group.

    A group is the tree of companies under a top company (``res.partner.
    kam_group_id``): each company is in one group, once, however deep. Read
    through the record rules: the KAM and team of the group see every row of
    the group, a company's own KAM sees that company's row, the KAM Managers
    see all.
    """

    _name = "kam.group.report"
    _description = "Group Account Companies"
    _inherit = ["kam.account.member.mixin"]
    _auto = False
    _rec_name = "partner_id"
    _order = "company_id, group_id, basis_amount desc, partner_id"
    _depends = {
        "res.partner": ["kam_group_id", "parent_id", "company_id", "active", "is_company"],
        "kam.account": ["partner_id", "company_id", "kam_status", "kam_user_id"],
        "kam.partner.metric": [
            "partner_id", "company_id", "invoiced_revenue", "ordered_revenue", "margin",
            "basis_amount", "share", "margin_share", "dependency_level", "order_count",
            "last_order_date",
        ],
    }

    group_id = fields.Many2one("res.partner", string="Group", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Company", readonly=True)
    parent_id = fields.Many2one(
        "res.partner", string="Parent Company", readonly=True,
        help="The company this one is a subsidiary, branch or division of (none for the top).",
    )
    is_top = fields.Boolean(string="Top Company", readonly=True)
    company_id = fields.Many2one("res.company", string="Our Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    kam_user_id = fields.Many2one(
        "res.users", string="Company's KAM", readonly=True,
        help="The KAM of this company itself, when it is a key account of its own.",
    )
    kam_status = fields.Selection(
        [("none", "Not Key"), ("candidate", "Candidate"), ("key", "Key Account"),
         ("former", "Former Key Account")],
        string="Key-Account Status", readonly=True,
    )
    invoiced_revenue = fields.Monetary(string="Invoiced Revenue", readonly=True)
    ordered_revenue = fields.Monetary(string="Ordered Revenue", readonly=True)
    margin = fields.Monetary(string="Gross Margin", readonly=True)
    basis_amount = fields.Monetary(string="Basis", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    last_order_date = fields.Date(string="Last Order", readonly=True, aggregator="max")
    share = fields.Float(
        string="Share (%)", readonly=True, digits=(16, 2),
        help="The company's own share of our basis over the window.",
    )
    margin_share = fields.Float(string="Margin Share (%)", readonly=True, digits=(16, 2))
    dependency_level = fields.Selection(
        DEPENDENCY_LEVELS, string="Own Dependency", readonly=True,
    )
    group_part = fields.Float(
        string="Part of the Group (%)", readonly=True, digits=(16, 1),
        help="The company's basis against the group's basis (0 when the group brings nothing).",
    )
    kam_group_user_ids = fields.Many2many(
        "res.users", string="Group KAM and Team", compute="_compute_kam_group_user_ids",
        search="_search_kam_group_user_ids",
        help="Technical: the KAM and account team of the group (its top company) in the "
        "row's company.",
    )

    @property
    def _table_query(self):
        # The shares of the company's totals, as the metrics derive them.
        Metric = self.env["kam.partner.metric"]
        return SQL(
            """
            WITH members AS (
                -- companies of the groups that have more than one company
                SELECT member.id AS partner_id, member.kam_group_id AS group_id,
                       member.parent_id, member.company_id AS restricted_to
                  FROM res_partner member
                 WHERE member.kam_group_id IN (
                           SELECT kam_group_id FROM res_partner
                            WHERE kam_group_id IS NOT NULL AND id != kam_group_id)
            ), scoped AS (
                SELECT m.*, c.id AS company_id, c.currency_id
                  FROM members m
                  JOIN res_company c ON m.restricted_to IS NULL OR m.restricted_to = c.id
                 WHERE EXISTS (SELECT 1 FROM members g
                                 JOIN kam_partner_metric gm ON gm.partner_id = g.partner_id
                                WHERE g.group_id = m.group_id AND gm.company_id = c.id)
                    OR EXISTS (SELECT 1 FROM kam_account ga
                                WHERE ga.partner_id = m.group_id AND ga.company_id = c.id)
            )
            SELECT ROW_NUMBER() OVER (ORDER BY r.company_id, r.group_id, r.partner_id) AS id,
                   r.group_id,
                   r.partner_id,
                   CASE WHEN r.partner_id = r.group_id THEN NULL ELSE r.parent_id END AS parent_id,
                   r.partner_id = r.group_id AS is_top,
                   r.company_id,
                   r.currency_id,
                   ka.kam_user_id,
                   COALESCE(ka.kam_status, 'none') AS kam_status,
                   COALESCE(metric.invoiced_revenue, 0) AS invoiced_revenue,
                   COALESCE(metric.ordered_revenue, 0) AS ordered_revenue,
                   COALESCE(metric.margin, 0) AS margin,
                   COALESCE(metric.basis_amount, 0) AS basis_amount,
                   COALESCE(metric.order_count, 0) AS order_count,
                   metric.last_order_date,
                   COALESCE(%(share)s, 0) AS share,
                   COALESCE(%(margin_share)s, 0) AS margin_share,
                   COALESCE(metric.dependency_level, 'none') AS dependency_level,
                   CASE WHEN SUM(COALESCE(metric.basis_amount, 0))
                                 OVER (PARTITION BY r.company_id, r.group_id) > 0
                        THEN 100 * COALESCE(metric.basis_amount, 0)::float8
                             / SUM(COALESCE(metric.basis_amount, 0))
                                 OVER (PARTITION BY r.company_id, r.group_id)::float8
                        ELSE 0 END AS group_part
              FROM scoped r
         LEFT JOIN kam_partner_metric metric
                ON metric.partner_id = r.partner_id AND metric.company_id = r.company_id
         LEFT JOIN %(totals)s totals ON totals.company_id = metric.company_id
         LEFT JOIN kam_account ka
                ON ka.partner_id = r.partner_id AND ka.company_id = r.company_id
            """,
            share=Metric._share_sql(SQL("metric.basis_amount"), SQL("totals.total_basis")),
            margin_share=Metric._share_sql(SQL("metric.margin"), SQL("totals.total_margin")),
            totals=Metric._totals_sql(),
        )

    def _compute_kam_group_user_ids(self):
        rows = self.env["kam.account"]._kam_find(
            (record.sudo().group_id.id, record.sudo().company_id.id) for record in self
        )
        for record in self:
            row = rows.get((record.sudo().group_id.id, record.sudo().company_id.id))
            record.kam_group_user_ids = (row.kam_user_id | row.kam_team_user_ids) if row else False

    def _search_kam_group_user_ids(self, operator, value):
        if operator not in ("in", "="):
            raise UserError(self.env._("Operation not supported on the group's account team."))
        user_ids = [value] if isinstance(value, int) else list(value)
        return self.env["kam.account"]._kam_member_domain(user_ids, "group_id", "company_id")

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    @api.model
    def _kam_group_rows(self, groups, company):
        """The rows of these groups in ``company`` the user may read."""
        if not groups:
            return self.browse()
        return self.search([("group_id", "in", groups.ids), ("company_id", "=", company.id)])
