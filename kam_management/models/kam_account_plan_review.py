# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_date

RATINGS = [
    ("1", "Poor"),
    ("2", "Below Expectations"),
    ("3", "On Track"),
    ("4", "Good"),
    ("5", "Excellent"),
]
# The field only the head of KAM writes: the comment on the KAM's review. Who
# commented and when follow from it (derived fields of the review).
MANAGER_FIELDS = {"manager_comment"}


class KamAccountPlanReview(models.Model):
    """Interim summary of an account plan by its KAM, commented by the head of KAM.

    The KAM "acts by plan, makes interim summaries and evaluates successes";
    the head evaluates the manager regularly from these data (§6.1.3).
    """

    _name = "kam.account.plan.review"
    _description = "Key Account Plan Review"
    _inherit = ["kam.account.owned.mixin", "kam.derived.fields.mixin"]
    _kam_owner_fields = frozenset({"plan_id", "partner_id", "company_id"})
    # Signatures: the author is who writes the review, the commenter who comments.
    _kam_derived_fields = ("author_id", "manager_id", "comment_date", "partner_id", "company_id")
    _order = "date desc, id desc"
    _rec_name = "date"

    plan_id = fields.Many2one(
        "kam.account.plan", string="Plan", required=True, ondelete="cascade", index=True,
    )
    # Deleted with the account as with the plan: two cascades, no "set null"
    # racing the plan's deletion (PostgreSQL would refuse the whole delete).
    partner_id = fields.Many2one(
        related="plan_id.partner_id", store=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    date = fields.Date(string="Date", required=True, default=fields.Date.context_today)
    author_id = fields.Many2one(
        "res.users", string="Reviewed By", required=True, readonly=True, copy=False,
        default=lambda self: self.env.user,
    )
    interim_results = fields.Text(string="Interim Results", required=True)
    rating = fields.Selection(RATINGS, string="Rating", required=True, default="3")
    manager_comment = fields.Text(string="Head of KAM Comment", copy=False)
    manager_id = fields.Many2one("res.users", string="Commented By", readonly=True, copy=False)
    comment_date = fields.Date(string="Commented On", readonly=True, copy=False)
    can_comment = fields.Boolean(compute="_compute_can_comment")

    @api.depends_context("uid")
    def _compute_can_comment(self):
        can_comment = self.env.user.has_group("kam_management.group_kam_manager")
        for review in self:
            review.can_comment = can_comment

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kam_check_comment(vals)
        reviews = super().create(vals_list)
        # Only the superuser can give the signature itself (data files, imports as admin).
        reviews.browse([
            review.id for review, vals in zip(reviews, vals_list, strict=True)
            if review.manager_comment and not (self.env.su and "manager_id" in vals)
        ])._kam_sign_comment()
        reviews.filtered("manager_comment")._kam_notify_comment()
        return reviews

    def write(self, vals):
        self._kam_check_comment(vals)
        res = super().write(vals)
        if "manager_comment" in vals:
            if not (self.env.su and "manager_id" in vals):
                self._kam_sign_comment()
            if vals["manager_comment"]:
                self._kam_notify_comment()
        return res

    def _kam_check_comment(self, vals):
        """Only the head of KAM comments a review."""
        if not MANAGER_FIELDS & set(vals):
            return
        if not self.env.su and not self.env.user.has_group("kam_management.group_kam_manager"):
            raise AccessError(self.env._("Only the head of KAM can comment a plan review."))

    def _kam_sign_comment(self):
        """Sign and date the comment with the user who wrote it (cleared with it)."""
        commented = self.filtered("manager_comment")
        commented.sudo().write({
            "manager_id": self.env.uid, "comment_date": fields.Date.context_today(self),
        })
        (self - commented).sudo().write({"manager_id": False, "comment_date": False})

    def _kam_derived_source(self):
        return self.env._(
            "the author is the user who writes the review, the head of KAM's name and date are "
            "those of their comment, and the account and company are those of the plan"
        )

    def _kam_notify_comment(self):
        """Tell the KAM in the plan's chatter that the head commented the review."""
        # sudo: the author is set explicitly, and a head of KAM without an e-mail
        # address must still be able to comment (the write is already checked).
        author = self.env.user.partner_id
        for review in self:
            plan = review.plan_id.sudo()
            plan.message_post(
                author_id=author.id,
                body=self.env._(
                    "Review of %(date)s commented: %(comment)s",
                    date=format_date(self.env, review.date),
                    comment=review.manager_comment,
                ),
                partner_ids=plan.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
