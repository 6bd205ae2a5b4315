# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Referrals (digest §7.7): reference clients, recommendation letters after a
well-delivered order, who recommended whom and the deals that came of it."""

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..rules.growth import HIGH_SCORE
from .common import D, KamGrowthCase
from .test_exports import column, load


@tagged("post_install", "-at_install")
class TestReferenceClients(KamGrowthCase):
    def test_the_kam_names_a_reference_client_in_the_current_company(self):
        account = self.account.with_user(self.kam)
        account.write({"kam_reference_client": True, "kam_reference_note": "Cut their lead time by half"})
        row = self.env["kam.account"].search([
            ("partner_id", "=", self.account.id), ("company_id", "=", self.company.id),
        ])
        self.assertTrue(row.kam_reference_client)
        self.assertEqual(row.kam_reference_note, "Cut their lead time by half")
        self.assertIn(self.account, self.env["res.partner"].search([("kam_reference_client", "=", True)]))
        self.assertNotIn(self.other_account, self.env["res.partner"].search([("kam_reference_client", "=", True)]))
        # Another company: not a reference client there.
        other_company = self.env["res.company"].create({"name": "Growth Co B"})
        self.assertFalse(self.account.with_company(other_company).kam_reference_client)

    def test_another_kam_or_a_salesman_cannot(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.colleague).write({"kam_reference_client": True})
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesman).write({"kam_reference_client": True})
        self.assertFalse(self.account.kam_reference_client)


@tagged("post_install", "-at_install")
@freeze_time("2025-06-16 12:00:00")
class TestRecommendationLetters(KamGrowthCase):
    def _delivered_feedback(self, score):
        order = self.order()
        self.deliver(order)
        return self.feedback(fields.Date.today(), score, sale_order_id=order.id)

    def test_a_high_score_after_delivery_proposes_a_letter(self):
        feedback = self._delivered_feedback(HIGH_SCORE)
        letter = feedback.letter_ids
        self.assertEqual(len(letter), 1)
        self.assertRecordValues(letter, [{
            "state": "proposed", "partner_id": self.account.id, "contact_id": self.person.id,
            "user_id": self.kam.id, "sale_order_id": feedback.sale_order_id.id,
        }])
        activity = letter.activity_ids
        self.assertEqual(activity.user_id, self.kam)
        self.assertEqual(activity.activity_type_id, self.env.ref("kam_management.kam_activity_type_recommendation"))
        self.assertIn(self.person.name, activity.summary)

    def test_a_lower_score_or_no_delivery_proposes_nothing(self):
        self.assertFalse(self._delivered_feedback(HIGH_SCORE - 1).letter_ids)
        self.assertFalse(self.feedback(fields.Date.today(), 5).letter_ids, "periodic feedback: no order")

    def test_a_letter_goes_from_requested_to_published_with_the_letter(self):
        letter = self._delivered_feedback(5).letter_ids.with_user(self.kam)
        letter.action_requested()
        self.assertEqual(letter.state, "requested")
        self.assertEqual(letter.request_date, fields.Date.today())
        self.assertFalse(letter.activity_ids, "the reminder to ask is done")
        with self.assertRaises(ValidationError):
            letter.action_received()
        letter.write({"letter_file": "UERGIGxldHRlcg==", "letter_filename": "letter.pdf"})
        letter.action_received()
        letter.action_published()
        self.assertEqual(letter.state, "published")
        self.assertTrue(letter.published_date)

    def test_the_reminder_is_in_the_kams_language(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.kam.lang = "ru_RU"
        letter = self._delivered_feedback(5).letter_ids
        expected = self.env["kam.recommendation.letter"].with_context(lang="ru_RU").env._(
            "Ask %(who)s for a recommendation letter", who=self.person.name,
        )
        self.assertEqual(letter.activity_ids.summary, expected)


@tagged("post_install", "-at_install")
class TestReferrals(KamGrowthCase):
    def test_who_recommended_whom_and_the_deals_it_brought(self):
        prospect = self.env["res.partner"].create({"name": "Prospect Steel", "is_company": True})
        referral = self.env["kam.referral"].with_user(self.kam).create({
            "partner_id": self.account.id, "referrer_contact_id": self.person.id,
            "referred_partner_id": prospect.id, "date": D(2025, 3, 1), "kind": "call",
        })
        action = referral.action_create_lead()
        lead = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual(lead.kam_referral_id, referral)
        self.assertEqual(lead.partner_id, prospect)
        second = self.env["crm.lead"].create({
            "name": "Second deal", "type": "opportunity", "partner_id": prospect.id,
            "kam_referral_id": referral.id, "expected_revenue": 700.0,
        })
        lead.write({"expected_revenue": 5000.0})
        won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        lead.stage_id = won
        second.action_set_lost()
        referral.invalidate_recordset()
        self.assertEqual((referral.lead_count, referral.won_count, referral.won_revenue), (2, 1, 5000.0))
        self.assertEqual(self.account.with_user(self.kam).kam_referral_count, 1)

    def test_a_salesman_duplicates_a_referred_deal(self):
        """Odoo's own flow for everyone: the copy is a new deal, not the referral's."""
        prospect = self.env["res.partner"].create({"name": "Prospect Iron", "is_company": True})
        referral = self.env["kam.referral"].with_user(self.kam).create({
            "partner_id": self.account.id, "referrer_contact_id": self.person.id,
            "referred_partner_id": prospect.id, "date": D(2025, 3, 1), "kind": "call",
        })
        lead = self.env["crm.lead"].create({
            "name": "Referred deal", "type": "opportunity", "partner_id": prospect.id,
            "kam_referral_id": referral.id, "user_id": self.salesman.id,
        })
        copy = lead.with_user(self.salesman).copy({"name": "Duplicate"})
        self.assertEqual(copy.sudo().kam_referral_id, self.env["kam.referral"])
        self.assertEqual(lead.kam_referral_id, referral)

    def test_the_parties_are_checked(self):
        with self.assertRaises(ValidationError):
            self.env["kam.referral"].create({
                "partner_id": self.account.id, "referred_partner_id": self.person.id,
            })
        with self.assertRaises(ValidationError):
            self.env["kam.referral"].create({
                "partner_id": self.account.id, "referrer_contact_id": self.other_person.id,
                "referred_partner_id": self.other_account.id,
            })


@tagged("post_install", "-at_install")
class TestGrowthInTheDossier(KamGrowthCase):
    def test_the_dossier_carries_feedback_and_referrals(self):
        self.feedback(D(2025, 1, 10), 3, churn_risk="The plant manager")
        self.feedback(D(2025, 4, 10), 5)
        prospect = self.env["res.partner"].create({"name": "Prospect Steel", "is_company": True})
        self.env["kam.referral"].create({
            "partner_id": self.account.id, "referred_partner_id": prospect.id, "date": D(2025, 3, 1),
        })
        Export = self.env["kam.export"].with_user(self.kam)
        book = load(Export._kam_build_dossier_workbook(self.account))
        feedback = book["Feedback"]
        self.assertEqual(column(feedback, "Satisfaction (1–5)"), [5, 3])
        self.assertEqual(column(feedback, "Trend"), ["Up", "First Feedback"])
        self.assertEqual(column(feedback, "Who May Leave Us and Why"), [None, "The plant manager"])
        self.assertEqual(column(book["Referrals"], "Recommended To"), ["Prospect Steel"])
        # The PDF has the same sections.
        html = self.env["ir.actions.report"].with_user(self.kam)._render_qweb_html(
            "kam_management.action_report_kam_dossier", self.account.ids,
        )[0].decode()
        self.assertIn("Prospect Steel", html)
        self.assertIn("The plant manager", html)

    def test_another_kam_cannot_export_them(self):
        self.feedback(D(2025, 1, 10), 3)
        with self.assertRaises(AccessError):
            self.env["kam.export"].with_user(self.colleague)._kam_build_dossier_workbook(self.account)
