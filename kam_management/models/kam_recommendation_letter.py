# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_account_owned_mixin import kam_account_domain

LETTER_STATES = [
    ("proposed", "To Ask"),
    ("requested", "Requested"),
    ("received", "Received"),
    ("published", "Published"),
]


class KamRecommendationLetter(models.Model):
    """A recommendation letter asked of a satisfied client (digest §7.7).

    After a high-quality, on-time delivery that met the client's expectations,
    ask for a recommendation letter to publish on our website. Proposed by a
    high feedback score after a delivered order, or created by hand; followed
    from requested to received (the letter attached) to published.
    """

    _name = "kam.recommendation.letter"
    _description = "Recommendation Letter"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "kam.account.owned.mixin", "kam.derived.fields.mixin",
    ]
    _order = "state_sequence, request_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Account", required=True, index=True, ondelete="cascade",
        check_company=True, domain=kam_account_domain, tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    contact_id = fields.Many2one(
        "res.partner", string="Signed By", check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
        help="The client's person asked to write (and sign) the letter.",
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", required=True, default=lambda self: self.env.user,
        domain="[('share', '=', False)]", tracking=True,
    )
    feedback_id = fields.Many2one(
        "kam.feedback", string="Feedback", ondelete="set null", index="btree_not_null",
        check_company=True, domain="[('partner_id', '=', partner_id)]",
    )
    sale_order_id = fields.Many2one(
        "sale.order", string="Delivered Order", ondelete="set null", check_company=True,
        domain="[('partner_id.commercial_partner_id', '=', partner_id)]",
    )
    state = fields.Selection(LETTER_STATES, default="requested", required=True, tracking=True, index=True)
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    request_date = fields.Date(string="Requested On", tracking=True)
    received_date = fields.Date(string="Received On", tracking=True)
    published_date = fields.Date(string="Published On", tracking=True)
    published_url = fields.Char(string="Published At", help="Where the letter is published (our website).")
    letter_file = fields.Binary(string="Letter", attachment=True)
    letter_filename = fields.Char()
    notes = fields.Text()

    @api.depends("state")
    def _compute_state_sequence(self):
        order = [state for state, _label in LETTER_STATES]
        for letter in self:
            letter.state_sequence = order.index(letter.state)

    @api.depends("partner_id", "contact_id")
    def _compute_display_name(self):
        for letter in self:
            letter.display_name = self.env._(
                "Recommendation from %(who)s", who=(letter.contact_id or letter.partner_id).display_name or "",
            )

    @api.constrains("partner_id", "contact_id", "feedback_id", "sale_order_id")
    def _check_account(self):
        for letter in self.sudo():
            account = letter.partner_id
            if account != account.commercial_partner_id:
                raise ValidationError(self.env._(
                    "A recommendation letter is asked of the account (%(account)s), not of one of its contacts.",
                    account=account.commercial_partner_id.display_name,
                ))
            if letter.contact_id and letter.contact_id.commercial_partner_id != account:
                raise ValidationError(self.env._(
                    "%(person)s does not work for %(account)s.",
                    person=letter.contact_id.name, account=account.display_name,
                ))
            if letter.feedback_id and letter.feedback_id.partner_id != account:
                raise ValidationError(self.env._("The feedback of a letter must be of its account."))
            order = letter.sale_order_id
            if order and order.partner_id.commercial_partner_id != account:
                raise ValidationError(self.env._(
                    "The order %(order)s is not one of %(account)s.", order=order.name, account=account.display_name,
                ))

    @api.constrains("state", "letter_file", "published_url")
    def _check_state_evidence(self):
        for letter in self:
            if letter.state in ("received", "published") and not letter.letter_file:
                raise ValidationError(self.env._(
                    "Attach the letter before marking it received or published."
                ))

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            if vals.get("state", "requested") == "requested" and not vals.get("request_date"):
                vals["request_date"] = today
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_requested(self):
        self._kam_set_state("requested", "request_date")
        self.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("kam_management.kam_activity_type_recommendation")
        ).action_feedback()

    def action_received(self):
        self._kam_set_state("received", "received_date")

    def action_published(self):
        self._kam_set_state("published", "published_date")

    # ------------------------------------------------------------------
    # Private helpers
    # ------------------------------------------------------------------

    def _kam_set_state(self, state, date_field):
        today = fields.Date.context_today(self)
        for letter in self:
            letter.write({"state": state, date_field: letter[date_field] or today})

    def _kam_schedule_request_activity(self):
        """The KAM's reminder to ask for the letter, written in their language."""
        activity_type = self.env.ref("kam_management.kam_activity_type_recommendation")
        today = fields.Date.context_today(self)
        vals_list = []
        model_id = self.env["ir.model"]._get_id(self._name)
        for letter in self:
            user = letter.user_id
            env = self.with_context(lang=user.lang or "en_US").env
            vals_list.append({
                "res_model_id": model_id,
                "res_id": letter.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "date_deadline": today,
                "summary": env._(
                    "Ask %(who)s for a recommendation letter", who=(letter.contact_id or letter.partner_id).name,
                ),
                "note": env._(
                    "The order was delivered and the client gave a satisfaction of %(score)s/5: "
                    "ask for a recommendation letter we may publish on our website, and whether "
                    "they would recommend us to colleagues and partners.",
                    score=letter.feedback_id.score,
                ),
                "automated": True,
            })
        self.env["mail.activity"].sudo().create(vals_list)
