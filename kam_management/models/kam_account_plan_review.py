from odoo import api, fields, models
from odoo.exceptions import AccessError

RATINGS = [
    ("1", "Poor"),
    ("2", "Below Expectations"),
    ("3", "On Track"),
    ("4", "Good"),
    ("5", "Excellent"),
]
# Fields only the head of KAM writes: the comment on the KAM's review.
MANAGER_FIELDS = {"manager_comment", "manager_id", "comment_date"}


class KamAccountPlanReview(models.Model):
    """Interim summary of an account plan by its KAM, commented by the head of KAM.

    The KAM "acts by plan, makes interim summaries and evaluates successes";
    the head evaluates the manager regularly from these data (§6.1.3).
    """

    _name = "kam.account.plan.review"
    _description = "Key Account Plan Review"
    _order = "date desc, id desc"
    _rec_name = "date"

    plan_id = fields.Many2one(
        "kam.account.plan", string="Plan", required=True, ondelete="cascade", index=True,
    )
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    date = fields.Date(string="Date", required=True, default=fields.Date.context_today)
    author_id = fields.Many2one(
        "res.users", string="Reviewed By", required=True, default=lambda self: self.env.user,
    )
    interim_results = fields.Text(string="Interim Results", required=True)
    rating = fields.Selection(RATINGS, string="Rating", required=True, default="3")
    manager_comment = fields.Text(string="Head of KAM Comment")
    manager_id = fields.Many2one("res.users", string="Commented By", readonly=True)
    comment_date = fields.Date(string="Commented On", readonly=True)
    can_comment = fields.Boolean(compute="_compute_can_comment")

    @api.depends_context("uid")
    def _compute_can_comment(self):
        can_comment = self.env.user.has_group("kam_management.group_kam_manager")
        for review in self:
            review.can_comment = can_comment

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._kam_stamp_comment(vals) for vals in vals_list]
        reviews = super().create(vals_list)
        reviews.filtered("manager_comment")._kam_notify_comment()
        return reviews

    def write(self, vals):
        vals = self._kam_stamp_comment(vals)
        res = super().write(vals)
        if vals.get("manager_comment"):
            self._kam_notify_comment()
        return res

    def _kam_stamp_comment(self, vals):
        """Only the head of KAM comments; the comment is signed and dated."""
        if not MANAGER_FIELDS & set(vals):
            return vals
        if not self.env.su and not self.env.user.has_group("kam_management.group_kam_manager"):
            raise AccessError(self.env._("Only the head of KAM can comment a plan review."))
        if vals.get("manager_comment"):
            vals = dict(
                vals,
                manager_id=vals.get("manager_id") or self.env.uid,
                comment_date=vals.get("comment_date") or fields.Date.context_today(self),
            )
        return vals

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
                    date=fields.Date.to_string(review.date),
                    comment=review.manager_comment,
                ),
                partner_ids=plan.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
