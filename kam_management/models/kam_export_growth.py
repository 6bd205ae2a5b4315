# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models

from ..report.kam_xlsx import Column


class KamExport(models.AbstractModel):
    """The dossier also carries the account's feedback, the referrals it made and
    its recommendation letters (read with the user's rights, like the rest)."""

    _inherit = "kam.export"

    @api.model
    def _kam_dossier_data(self, partners, date_from=None, date_to=None):
        data = super()._kam_dossier_data(partners, date_from, date_to)
        accounts = self.env["res.partner"].browse(list(data))
        domain = [("partner_id", "in", accounts.ids), ("company_id", "=", self.env.company.id)]
        feedback_domain = list(domain)
        if date_from:
            feedback_domain.append(("date", ">=", date_from))
        if date_to:
            feedback_domain.append(("date", "<=", date_to))
        for key, model, section_domain in (
            ("feedback", "kam.feedback", feedback_domain),
            ("referrals", "kam.referral", domain),
            ("letters", "kam.recommendation.letter", domain),
        ):
            for entry in data.values():
                entry[key] = self.env[model]
            for record in self.env[model].search(section_domain):
                data[record.partner_id.id][key] |= record
        return data

    def _kam_dossier_sheets(self, entries):
        return [
            *super()._kam_dossier_sheets(entries),
            (self.env._("Feedback"), self._kam_feedback_columns(), self._kam_feedback_rows(entries)),
            (self.env._("Referrals"), self._kam_referral_columns(), self._kam_referral_rows(entries)),
        ]

    def _kam_feedback_columns(self):
        return [
            Column("partner", self.env._("Account"), "text", 26),
            Column("date", self.env._("Date"), "date", 12),
            Column("person", self.env._("Person Asked"), "text", 22),
            Column("asked_by", self.env._("Asked By"), "text", 20),
            Column("score", self.env._("Satisfaction (1–5)"), "int", 10),
            Column("trend", self.env._("Trend"), "text", 12),
            Column("client_trend", self.env._("Their Satisfaction Is"), "text", 14),
            Column("process_changes", self.env._("Changes in Their Processes"), "wrap", 36),
            Column("churn_risk", self.env._("Who May Leave Us and Why"), "wrap", 36),
            Column("decision_factors", self.env._("Decision Factors"), "wrap", 30),
            Column("decision_makers", self.env._("Who Decides"), "wrap", 30),
            Column("competitors", self.env._("How We Compare with Competitors"), "wrap", 36),
            Column("complete", self.env._("All Key Questions Answered"), "bool", 10),
            Column("order", self.env._("Delivered Order"), "text", 14),
        ]

    def _kam_feedback_rows(self, entries):
        for entry in entries:
            for feedback in entry["feedback"]:
                yield {
                    "partner": entry["partner"].display_name,
                    "date": feedback.date,
                    "person": feedback.contact_id.name or "",
                    "asked_by": feedback.user_id.name,
                    "score": feedback.score,
                    "trend": self._kam_selection(feedback, "trend"),
                    "client_trend": self._kam_selection(feedback, "client_trend"),
                    "process_changes": feedback.process_changes,
                    "churn_risk": feedback.churn_risk,
                    "decision_factors": feedback.decision_factors,
                    "decision_makers": feedback.decision_makers,
                    "competitors": feedback.competitor_comparison,
                    "complete": feedback.is_complete,
                    "order": feedback.sale_order_id.name or "",
                }

    def _kam_referral_columns(self):
        return [
            Column("partner", self.env._("Account"), "text", 26),
            Column("kind", self.env._("What"), "text", 22),
            Column("date", self.env._("Date"), "date", 12),
            Column("person", self.env._("Recommended By (Person)"), "text", 22),
            Column("referred", self.env._("Recommended To"), "text", 26),
            Column("state", self.env._("How"), "text", 22),
            Column("deals", self.env._("Deals"), "int", 8),
            Column("won", self.env._("Deals Won"), "int", 8),
            Column("revenue", self.env._("Won Revenue"), "money", 14),
        ]

    def _kam_referral_rows(self, entries):
        what_referral = self.env._("Referral")
        what_letter = self.env._("Recommendation Letter")
        for entry in entries:
            for referral in entry["referrals"]:
                yield {
                    "partner": entry["partner"].display_name,
                    "kind": what_referral,
                    "date": referral.date,
                    "person": referral.referrer_contact_id.name or "",
                    "referred": referral.referred_partner_id.display_name,
                    "state": self._kam_selection(referral, "kind"),
                    "deals": referral.lead_count,
                    "won": referral.won_count,
                    "revenue": referral.won_revenue,
                }
            for letter in entry["letters"]:
                yield {
                    "partner": entry["partner"].display_name,
                    "kind": what_letter,
                    "date": letter.published_date or letter.received_date or letter.request_date,
                    "person": letter.contact_id.name or "",
                    "referred": letter.published_url or "",
                    "state": self._kam_selection(letter, "state"),
                }
