# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import UserError

from .kam_selections import CONTACT_OUTCOMES

# Documents whose done activities are contacts with the (commercial) partner.
KAM_CONTACT_MODELS = ("res.partner", "crm.lead", "sale.order", "kam.dmu.member")
CATEGORY_CHANNELS = {"phonecall": "phone", "meeting": "in_person"}


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    kam_is_contact = fields.Boolean(
        string="Logs a Contact",
        compute="_compute_kam_is_contact",
        store=True,
        readonly=False,
        help="Marking such an activity done on a key account (or its opportunity or "
        "quotation) records a contact in the account's contact log.",
    )

    @api.depends("category")
    def _compute_kam_is_contact(self):
        for activity_type in self:
            activity_type.kam_is_contact = activity_type.category in CATEGORY_CHANNELS


class MailActivity(models.Model):
    _inherit = "mail.activity"

    kam_occurrence_id = fields.Many2one(
        "kam.comm.occurrence",
        string="Planned Contact",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
    )
    kam_outcome = fields.Selection(
        CONTACT_OUTCOMES,
        string="Contact Outcome",
        copy=False,
        help="How the contact went: recorded in the key account's contact log when the activity is done.",
    )
    kam_ask_outcome = fields.Boolean(
        compute="_compute_kam_ask_outcome",
        help="Ask the outcome (positive / neutral / negative) when marking done: a contact "
        "with a key account, done by a KAM user.",
    )

    @api.depends("res_model", "res_id", "activity_type_id", "kam_occurrence_id")
    @api.depends_context("uid")
    def _compute_kam_ask_outcome(self):
        self.kam_ask_outcome = False
        if not self.env.user.has_group("kam_management.group_kam_user"):
            return
        accounts = self._kam_accounts()
        for activity in self:
            account = accounts.get(activity.id)
            activity.kam_ask_outcome = bool(
                account and activity._kam_logs_contact(account)
            )

    def _action_done(self, feedback=False, attachment_ids=None):
        """Done contact activities with key accounts become contact logs.

        The outcome comes from the mark-done popover (saved on the activity as
        ``kam_outcome``) or the outcome dialog (context ``kam_contact_outcome``).
        A KAM user who is asked the outcome must give it; for anyone else
        (a salesperson, a job) the contact is neutral and flagged for review.
        Logs are written as superuser and only for key accounts or planned
        contacts, so users outside KAM never meet an access error.
        """
        self._kam_vip_reviews_done()
        log_vals_list = []
        if not self.env.context.get("kam_skip_contact_log"):
            self._kam_check_outcome_given()
            log_vals_list = self._kam_contact_log_values(feedback)
        occurrences = self.filtered("kam_occurrence_id").kam_occurrence_id.sudo()
        non_plan = occurrences.filtered(lambda occ: occ.rule != "plan" and occ.state == "open")
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        today = fields.Date.context_today(self)
        if log_vals_list:
            self.env["kam.contact.log"].sudo()._kam_create_or_update(log_vals_list)
        # Rule reminders (gap, follow-up, birthday) are done with the activity;
        # plan occurrences are fulfilled through their contact log.
        non_plan.filtered(lambda occ: occ.state == "open").write({"state": "done", "done_date": today})
        if self.env.context.get("kam_skip_contact_log"):
            return result
        for occurrence in occurrences.filtered(lambda occ: occ.rule == "plan" and occ.state == "open"):
            occurrence.line_id._kam_mark_done(today)
        return result

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _kam_accounts(self):
        """{activity id: commercial partner} for activities on partners, leads and orders."""
        result = {}
        for model, data in self._classify_by_model().items():
            if model not in KAM_CONTACT_MODELS:
                continue
            records = self.env[model].sudo().browse(data["record_ids"])
            for record, activity in zip(records, data["activities"], strict=True):
                partner = record if model == "res.partner" else record.partner_id
                if partner:
                    result[activity.id] = partner.commercial_partner_id
        return result

    def _kam_check_outcome_given(self):
        """Refuse to close a contact whose outcome the user was asked and did not give.

        The outcome is what the rules need (a positive contact resets the
        contact gap, a negative one starts a cool-down): a contact closed
        without it would count as neutral without anybody having said so.
        """
        if self.env.su or self.env.context.get("kam_contact_outcome"):
            return
        missing = self.filtered(lambda activity: activity.kam_ask_outcome and not activity.kam_outcome)
        if missing:
            raise UserError(self.env._(
                "How did “%(activity)s” go? Choose Positive, Neutral or Negative before marking "
                "it done: the outcome feeds the key-account rules (a positive contact resets the "
                "contact gap, a negative one starts a cool-down).",
                activity=missing[0].summary or missing[0].activity_type_id.name,
            ))

    def _kam_logs_contact(self, account):
        """A contact type, on a key account or planned by the account's communication plan."""
        self.ensure_one()
        if not self.activity_type_id.kam_is_contact:
            return False
        return bool(self.kam_occurrence_id) or account.kam_status == "key"

    def _kam_contact_log_values(self, feedback):
        accounts = self._kam_accounts()
        today = fields.Date.context_today(self)
        vals_list = []
        for activity in self:
            account = accounts.get(activity.id)
            if not account or not activity._kam_logs_contact(account):
                continue
            outcome = self.env.context.get("kam_contact_outcome") or activity.kam_outcome
            occurrence = activity.kam_occurrence_id.sudo()
            line = occurrence.line_id
            record = self.env[activity.res_model].sudo().browse(activity.res_id)
            if activity.res_model == "kam.dmu.member":
                person = record.contact_id
            else:
                person = record if activity.res_model == "res.partner" else record.partner_id
            contacts = line.contact_ids | (person if person and person != account else person.browse())
            channel = (
                line.channel
                or CATEGORY_CHANNELS.get(activity.activity_type_id.category)
                or ("email" if activity.activity_type_id == self.env.ref("mail.mail_activity_data_email", False)
                    else "other")
            )
            if activity.calendar_event_id.videocall_location and channel == "in_person":
                channel = "video"
            vals_list.append({
                "partner_id": account.id,
                "company_id": occurrence.company_id.id
                or (record.company_id.id if "company_id" in record._fields and record.company_id else False)
                or self.env.company.id,
                "date": today,
                "contact_ids": [(6, 0, contacts.ids)],
                "user_ids": [(6, 0, (activity.user_id | self.env.user).filtered(lambda u: not u.share).ids)],
                "channel": channel,
                "outcome": outcome or "neutral",
                "to_review": not outcome,
                "summary": "\n".join(
                    part for part in (activity.summary or activity.activity_type_id.name, feedback) if part
                ),
                "source": "activity",
                "plan_line_id": line.id,
                "occurrence_id": occurrence.id if occurrence.rule == "plan" else False,
                "calendar_event_id": activity.calendar_event_id.id,
                "activity_type_id": activity.activity_type_id.id,
                "res_model": activity.res_model if activity.res_model != "res.partner" else False,
                "res_id": activity.res_id if activity.res_model != "res.partner" else False,
            })
        return vals_list

    def action_kam_done_with_outcome(self):
        """Mark done through the outcome dialog (contact with a key account)."""
        self.ensure_one()
        return self.env["kam.contact.outcome.wizard"]._kam_open_action(
            {"default_activity_id": self.id}, name=self.env._("Contact Outcome")
        )

    # ------------------------------------------------------------------
    # Identification (SPEC §1): key-account alerts are plain activities,
    # tagged with their kind and company; their state (open, answered,
    # cleared) and figures are kept on kam.alert, which keeps them true.
    # ------------------------------------------------------------------

    kam_alert_kind = fields.Selection(
        [
            ("critical", "Critical Dependency"),
            ("mono", "Mono-Client"),
            ("portfolio_mono", "Portfolio Mono-Dependence"),
            ("kam_overload", "KAM Overloaded"),
            ("vip_review", "VIP Review Overdue"),
        ],
        string="Key-Account Alert", readonly=True, index="btree_not_null",
    )
    kam_company_id = fields.Many2one(
        "res.company", string="Alert Company", readonly=True,
        help="The company whose figures raised the key-account alert.",
    )

    def _kam_vip_reviews_done(self):
        """A KAM Manager who marks an overdue-VIP-review alert done has reviewed
        the account: its next review is rolled forward (``res.partner.
        _kam_vip_record_review``), so the next recompute finds the cause gone
        and clears the alert (raised again when that review falls overdue).
        Anyone else, and the code as superuser, only closes the activity: the
        review date does not move, and the alert is answered (``kam.alert``),
        not raised again while the review stays overdue; it comes back only
        once the review date was moved forward and has passed again."""
        reviews = self.filtered(
            lambda activity: activity.kam_alert_kind == "vip_review"
            and activity.res_model == "res.partner"
        )
        if (
            reviews
            and not self.env.su
            and not self.env.context.get("kam_vip_reviewed")
            and self.env.user.has_group("kam_management.group_kam_manager")
        ):
            # The VIP status and its review are per company: the alert's.
            for company in reviews.kam_company_id or self.env.company:
                company_reviews = reviews.filtered(
                    lambda activity, company=company: activity.kam_company_id in (company, company.browse())
                )
                accounts = self.env["res.partner"].with_company(company).browse(
                    company_reviews.mapped("res_id")
                ).exists()
                accounts.filtered("kam_is_vip")._kam_vip_record_review()

    def _to_store(self, store):
        """The chatter: an alert quoting a figure the reader's groups may not read
        (a client's share for a salesperson) is shown without it."""
        super()._to_store(store)
        alerts = self.filtered("kam_alert_kind")
        if not alerts:
            return
        for activity_id, (summary, _note) in self.env["kam.alert"]._kam_reader_texts(alerts).items():
            store.add(self.browse(activity_id), {"summary": summary})
