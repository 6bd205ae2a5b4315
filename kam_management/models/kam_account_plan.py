# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..rules.account_plan import plan_progress
from .kam_account_owned_mixin import kam_account_domain
from .kam_account_plan_review import RATINGS


class KamAccountPlan(models.Model):
    """Work plan with one key account over a period (digest §6.1).

    Objectives with a target and the actual reached, the budget and its
    purpose, the actions as activities on the plan, and periodic reviews with
    interim results and a rating that the head of KAM reads and comments.
    """

    _name = "kam.account.plan"
    _description = "Key Account Plan"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "kam.account.owned.mixin",
        "kam.derived.fields.mixin",
    ]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    # What the head of KAM reads the plan by: set by the objectives, budget and reviews.
    _kam_derived_fields = (
        "progress", "budget_total", "review_count", "last_review_date", "last_rating",
    )

    name = fields.Char(
        string="Plan", required=True, tracking=True,
        compute="_compute_name", store=True, readonly=False, precompute=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Account", required=True, index=True, tracking=True,
        ondelete="cascade", check_company=True, domain=kam_account_domain,
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", string="Key Account Manager", tracking=True,
        compute="_compute_user_id", store=True, readonly=False, precompute=True,
        check_company=True, domain="[('share', '=', False)]",
    )
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
        string="Status", default="draft", required=True, tracking=True, copy=False,
    )
    strategy = fields.Html(
        string="Direction and Levers",
        help="Where the relationship should go and the levers to get there, related to "
        "the client's wishes, profitability and long-term plans (§6.1.5).",
    )
    objective_ids = fields.One2many("kam.account.plan.objective", "plan_id", string="Objectives")
    budget_line_ids = fields.One2many("kam.account.plan.budget", "plan_id", string="Budget")
    review_ids = fields.One2many("kam.account.plan.review", "plan_id", string="Reviews")
    progress = fields.Float(
        string="Progress (%)", compute="_compute_progress", store=True, aggregator="avg",
        help="Average progress of the objectives, each capped at 100 %.",
    )
    budget_total = fields.Monetary(
        string="Total Budget", compute="_compute_budget_total", store=True,
    )
    review_count = fields.Integer(compute="_compute_review_count", string="Review Count")
    last_review_date = fields.Date(
        string="Last Review", compute="_compute_last_review", store=True,
    )
    last_rating = fields.Selection(
        RATINGS,
        string="Last Rating", compute="_compute_last_review", store=True,
    )

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------

    @api.depends("partner_id", "date_from", "date_to")
    def _compute_name(self):
        for plan in self:
            if plan.name or not plan.partner_id:
                continue
            period = plan.date_from and plan.date_to and self.env._(
                "%(start)s – %(end)s",
                start=format_date(self.env, plan.date_from),
                end=format_date(self.env, plan.date_to),
            )
            plan.name = " · ".join(filter(None, [plan.partner_id.name, period]))

    @api.depends("partner_id")
    def _compute_user_id(self):
        for plan in self:
            plan.user_id = plan.partner_id.commercial_partner_id.kam_user_id or plan.user_id

    @api.depends("objective_ids.progress")
    def _compute_progress(self):
        for plan in self:
            plan.progress = plan_progress(plan.objective_ids.mapped("progress"))

    @api.depends("budget_line_ids.amount")
    def _compute_budget_total(self):
        for plan in self:
            plan.budget_total = sum(plan.budget_line_ids.mapped("amount"))

    @api.depends("review_ids")
    def _compute_review_count(self):
        counts = dict(self.env["kam.account.plan.review"]._read_group(
            [("plan_id", "in", self.ids)], ["plan_id"], ["__count"],
        ))
        for plan in self:
            plan.review_count = counts.get(plan, 0)

    @api.depends("review_ids.date", "review_ids.rating")
    def _compute_last_review(self):
        for plan in self:
            last = plan.review_ids.sorted(lambda review: (review.date, review.id))[-1:]
            plan.last_review_date = last.date
            plan.last_rating = last.rating

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for plan in self:
            if plan.date_from and plan.date_to and plan.date_from > plan.date_to:
                raise ValidationError(
                    self.env._("The plan %(plan)s ends before it starts.", plan=plan.name)
                )

    @api.constrains("partner_id")
    def _check_partner_is_account(self):
        """A plan is made for the account (the commercial entity), where its
        record rules and the account's form look for it."""
        for plan in self:
            account = plan.partner_id.commercial_partner_id
            if plan.partner_id != account:
                raise ValidationError(self.env._(
                    "%(person)s is a contact of %(account)s: make the account plan for %(account)s.",
                    person=plan.partner_id.name,
                    account=account.display_name,
                ))

    @api.constrains("state", "partner_id", "company_id", "date_from", "date_to")
    def _check_one_active_plan(self):
        """Two active plans of one account over overlapping periods would split
        its objectives: close or shift one first."""
        for plan in self.filtered(lambda plan: plan.state == "active"):
            if self.search_count([
                ("id", "!=", plan.id),
                ("state", "=", "active"),
                ("partner_id", "=", plan.partner_id.id),
                ("company_id", "=", plan.company_id.id),
                ("date_from", "<=", plan.date_to),
                ("date_to", ">=", plan.date_from),
            ], limit=1):
                raise ValidationError(self.env._(
                    "%(account)s already has an active plan over this period; close it "
                    "or change the dates first.",
                    account=plan.partner_id.display_name,
                ))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_activate(self):
        self.write({"state": "active"})

    def action_close(self):
        self.write({"state": "closed"})

    def action_reset_draft(self):
        self.write({"state": "draft"})

    def action_add_review(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Review"),
            "res_model": "kam.account.plan.review",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _kam_derived_source(self):
        return self.env._(
            "the progress is computed from the objectives, the total from the budget lines, "
            "and the last review and rating from the reviews"
        )
