# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date

from ..rules.growth import (
    KEY_QUESTIONS,
    SCORE_MAX,
    SCORE_MIN,
    is_complete,
    proposes_recommendation,
)
from .kam_account_owned_mixin import kam_account_domain

CLIENT_TRENDS = [
    ("better", "Getting Better"),
    ("stable", "Stable"),
    ("worse", "Getting Worse"),
]
TRENDS = [
    ("first", "First Feedback"),
    ("up", "Up"),
    ("same", "Same"),
    ("down", "Down"),
]


class KamFeedback(models.Model):
    """What a person of the client told us when asked for feedback (digest §5.7).

    Asked after an order is delivered and periodically (plan lines of kind
    "Feedback Request"), recorded with the contact in the "log a contact"
    dialog or on its own. The satisfaction score (1–5) is compared with the
    previous feedback of the same account in the same company (``trend``); the
    six key questions make a feedback complete. A high score after a delivered
    order proposes a recommendation letter (digest §7.7).
    """

    _name = "kam.feedback"
    _description = "Key Account Feedback"
    _inherit = ["mail.thread", "kam.account.owned.mixin", "kam.derived.fields.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _kam_derived_fields = ("previous_score", "trend", "is_complete", "kam_user_id")

    partner_id = fields.Many2one(
        "res.partner", string="Account", required=True, index=True, ondelete="cascade",
        check_company=True, domain=kam_account_domain, tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True, tracking=True)
    contact_id = fields.Many2one(
        "res.partner", string="Person Asked", check_company=True, index="btree_not_null",
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
        help="The client's person who gave the feedback: ask beyond your usual contacts too.",
    )
    user_id = fields.Many2one(
        "res.users", string="Asked By", required=True, default=lambda self: self.env.user,
        domain="[('share', '=', False)]", tracking=True,
    )
    kam_user_id = fields.Many2one(
        "res.users", string="Key Account Manager", readonly=True, index="btree_not_null", copy=False,
        help="The account's KAM when the feedback was given: the feedback counts for them.",
    )
    score = fields.Integer(
        string="Satisfaction (1–5)", required=True, default=3, aggregator="avg", tracking=True,
        help="1 very unhappy, 3 satisfied, 5 delighted.",
    )
    previous_score = fields.Integer(
        string="Previous Satisfaction", readonly=True, aggregator="avg", copy=False,
        help="The score of the account's previous feedback in this company.",
    )
    trend = fields.Selection(TRENDS, string="Trend", readonly=True, copy=False)
    client_trend = fields.Selection(
        CLIENT_TRENDS, string="Their Satisfaction Is",
        help="How the person says their satisfaction with us has changed.",
    )
    process_changes = fields.Text(
        string="Changes in Their Processes",
        help="What is changing in the client's processes, organisation, purchasing.",
    )
    churn_risk = fields.Text(
        string="Who May Leave Us and Why",
        help="Which people or units may stop working with us, and why.",
    )
    decision_factors = fields.Text(
        string="Decision Factors", help="What decides their purchases now.",
    )
    decision_makers = fields.Text(
        string="Who Decides", help="Who takes the decisions, and who influences them.",
    )
    competitor_comparison = fields.Text(
        string="How We Compare with Competitors",
        help="What sets us apart from the competitors they know, for better or worse.",
    )
    notes = fields.Text()
    is_complete = fields.Boolean(
        string="All Key Questions Answered", compute="_compute_is_complete", store=True,
    )
    complete_rate = fields.Float(
        string="Complete (%)", compute="_compute_is_complete", store=True, aggregator="avg",
        digits=(16, 0), help="100 when every key question is answered: averaged, the share of "
        "complete feedback.",
    )
    log_id = fields.Many2one(
        "kam.contact.log", string="Contact", index="btree_not_null", ondelete="set null",
        check_company=True, domain="[('partner_id', '=', partner_id)]",
    )
    plan_line_id = fields.Many2one(
        "kam.comm.plan.line", string="Feedback Request", index="btree_not_null",
        ondelete="set null", check_company=True, domain="[('partner_id', '=', partner_id)]",
    )
    sale_order_id = fields.Many2one(
        "sale.order", string="Delivered Order", index="btree_not_null", ondelete="set null",
        check_company=True, domain="[('partner_id.commercial_partner_id', '=', partner_id)]",
        help="The order whose delivery the feedback is about.",
    )
    letter_ids = fields.One2many("kam.recommendation.letter", "feedback_id", string="Recommendation Letters")

    @api.depends(*KEY_QUESTIONS, "score")
    def _compute_is_complete(self):
        for feedback in self:
            complete = is_complete(feedback.score, {q: feedback[q] for q in KEY_QUESTIONS})
            feedback.is_complete = complete
            feedback.complete_rate = 100.0 if complete else 0.0

    @api.depends("partner_id", "date", "score")
    def _compute_display_name(self):
        for feedback in self:
            feedback.display_name = " – ".join(part for part in (
                feedback.partner_id.display_name,
                feedback.date and format_date(self.env, feedback.date),
                feedback.score and f"{feedback.score}/{SCORE_MAX}",
            ) if part)

    @api.constrains("partner_id", "contact_id", "log_id", "plan_line_id", "sale_order_id")
    def _check_account(self):
        for feedback in self.sudo():
            account = feedback.partner_id
            if account != account.commercial_partner_id:
                raise ValidationError(self.env._(
                    "%(person)s is a contact of %(account)s: record the feedback on %(account)s "
                    "and name %(person)s as the person asked.",
                    person=account.name, account=account.commercial_partner_id.display_name,
                ))
            if feedback.contact_id and feedback.contact_id.commercial_partner_id != account:
                raise ValidationError(self.env._(
                    "%(person)s does not work for %(account)s.",
                    person=feedback.contact_id.name, account=account.display_name,
                ))
            for record in (feedback.log_id, feedback.plan_line_id):
                if record and record.partner_id != account:
                    raise ValidationError(self.env._(
                        "The contact and the feedback request of a feedback must be of its account."
                    ))
            order = feedback.sale_order_id
            if order and order.partner_id.commercial_partner_id != account:
                raise ValidationError(self.env._(
                    "The order %(order)s is not one of %(account)s.",
                    order=order.name, account=account.display_name,
                ))

    @api.constrains("score")
    def _check_score(self):
        for feedback in self:
            if not SCORE_MIN <= feedback.score <= SCORE_MAX:
                raise ValidationError(self.env._(
                    "The satisfaction score goes from %(low)s to %(high)s.", low=SCORE_MIN, high=SCORE_MAX,
                ))

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for feedback in self:
            if feedback.date > today:
                raise ValidationError(self.env._("Feedback cannot be recorded in the future."))

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        feedbacks = super().create(vals_list)
        feedbacks._kam_stamp_kam()
        self._kam_refresh_trends(feedbacks._kam_series())
        feedbacks._kam_propose_letters()
        return feedbacks

    def write(self, vals):
        series = self._kam_series() if {"partner_id", "company_id", "date", "score"} & vals.keys() else set()
        res = super().write(vals)
        if series:
            self._kam_refresh_trends(series | self._kam_series())
        return res

    def unlink(self):
        series = self._kam_series()
        res = super().unlink()
        self._kam_refresh_trends(series)
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_propose_letter(self):
        """Ask this person for a recommendation letter (by hand, whatever the score)."""
        self.ensure_one()
        letter = self._kam_letter_values()
        return {
            "type": "ir.actions.act_window",
            "res_model": "kam.recommendation.letter",
            "view_mode": "form",
            "context": {f"default_{key}": value for key, value in letter.items()},
        }

    # ------------------------------------------------------------------
    # Private helpers
    # ------------------------------------------------------------------

    def _kam_derived_source(self):
        return self.env._(
            "the trend compares the score with the account's previous feedback; completeness "
            "follows the key questions; the KAM is the account's when the feedback is recorded"
        )

    def _kam_series(self):
        """{(partner id, company id)} of these feedbacks."""
        return {(f.partner_id.id, f.company_id.id) for f in self.sudo()}

    def _kam_stamp_kam(self):
        """The feedback counts for the account's KAM in its company (the asker without one)."""
        rows = self.env["kam.account"]._kam_find(self._kam_series())
        feedbacks = self.sudo()
        by_kam = feedbacks.grouped(lambda f: (
            rows[f.partner_id.id, f.company_id.id].kam_user_id
            if (f.partner_id.id, f.company_id.id) in rows else f.user_id
        ) or f.user_id)
        for kam, group in by_kam.items():
            group.write({"kam_user_id": kam.id})

    @api.model
    def _kam_refresh_trends(self, series):
        """Previous score and trend (``rules.growth.score_trend``, in SQL) of every feedback of the ``series``
        ``{(account, company)}``, in one statement (the previous feedback of an
        account moves when one is added, re-dated or removed)."""
        series = [pair for pair in series if all(pair)]
        if not series:
            return
        self.flush_model(["partner_id", "company_id", "date", "score"])
        rows = self.env.execute_query(SQL(
            """
            WITH ordered AS (
                SELECT f.id, f.score,
                       LAG(f.score) OVER (PARTITION BY f.partner_id, f.company_id
                                          ORDER BY f.date, f.id) AS previous
                  FROM kam_feedback f
                  JOIN unnest(%(partners)s::int[], %(companies)s::int[]) AS s(partner_id, company_id)
                    ON s.partner_id = f.partner_id AND s.company_id = f.company_id
            )
            UPDATE kam_feedback f
               SET previous_score = o.previous,
                   trend = CASE WHEN o.previous IS NULL THEN 'first'
                                WHEN o.score > o.previous THEN 'up'
                                WHEN o.score < o.previous THEN 'down'
                                ELSE 'same' END
              FROM ordered o
             WHERE f.id = o.id
               AND (f.previous_score IS DISTINCT FROM o.previous OR f.trend IS NULL
                    OR f.trend != CASE WHEN o.previous IS NULL THEN 'first'
                                       WHEN o.score > o.previous THEN 'up'
                                       WHEN o.score < o.previous THEN 'down'
                                       ELSE 'same' END)
         RETURNING f.id
            """,
            partners=[pair[0] for pair in series],
            companies=[pair[1] for pair in series],
        ))
        if rows:
            self.browse([row[0] for row in rows]).invalidate_recordset(["previous_score", "trend"])

    def _kam_letter_values(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "contact_id": self.contact_id.id,
            "feedback_id": self.id,
            "sale_order_id": self.sale_order_id.id,
            "user_id": (self.kam_user_id or self.user_id).id,
        }

    def _kam_propose_letters(self):
        """A high score after a delivered order: propose a recommendation letter,
        with an activity for the KAM to ask for it (in the KAM's language)."""
        todo = self.sudo().filtered(
            lambda f: proposes_recommendation(f.score, bool(f.sale_order_id)) and not f.letter_ids
        )
        if not todo:
            return
        Letter = self.env["kam.recommendation.letter"].sudo()
        letters = Letter.create([
            dict(feedback._kam_letter_values(), state="proposed") for feedback in todo
        ])
        letters._kam_schedule_request_activity()
