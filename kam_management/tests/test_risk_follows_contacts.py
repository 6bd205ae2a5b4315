# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from freezegun import freeze_time

from odoo.tests import tagged

from .common import KamAnalyticsCase, d


@tagged("post_install", "-at_install")
@freeze_time("2025-06-30")
class TestKamRiskFollowsContacts(KamAnalyticsCase):
    """The risk reasons quote the contact log: logging, changing or deleting a
    contact refreshes the account's risk at once, not at the next nightly job."""

    def _log(self, partner, day, outcome, **vals):
        return self.env["kam.contact.log"].create({
            "partner_id": partner.id, "date": d(day), "outcome": outcome, "channel": "phone",
            **vals,
        })

    def test_positive_contact_clears_the_gap_at_once(self):
        # rule: a positive contact every 10 days; none logged yet
        health = self._refresh(self.risky)
        self.assertEqual(health.signal_data["no_positive_contact"], {"days": None, "limit": 10})
        self._log(self.risky, "2025-06-25", "positive")
        # 5 days ago: within the 10 days, the signal is gone without a refresh by hand
        self.assertFalse(health.signal_no_positive_contact)
        self.assertNotIn("no_positive_contact", health.signal_data or {})
        self.assertNotIn("positive contact", health.risk_reasons)

    def test_the_nightly_job_gives_a_new_key_account_its_first_risk(self):
        self.assertFalse(self._health(self.steady))
        self._log(self.steady, "2025-06-10", "positive")
        self.assertFalse(self._health(self.steady))
        health = self._refresh(self.steady)
        # 20 days ago against a rule of 10
        self.assertEqual(health.signal_data["no_positive_contact"], {"days": 20, "limit": 10})
        self.assertIn("Last positive contact 20 days ago", health.risk_reasons)
        self._log(self.steady, "2025-06-25", "positive")
        self.assertFalse(health.signal_no_positive_contact)

    def test_changed_and_deleted_contacts(self):
        health = self._refresh(self.risky)
        positive = self._log(self.risky, "2025-06-28", "positive")
        self.assertFalse(health.signal_negative_contacts)
        self.assertFalse(health.signal_no_positive_contact)
        # the outcome was in fact negative: one negative contact, and no positive one
        positive.outcome = "negative"
        self.assertEqual(health.signal_data["negative_contacts"]["count"], 1)
        self.assertEqual(health.signal_data["no_positive_contact"]["days"], None)
        # logged on the wrong account: both accounts follow
        self._refresh(self.steady)
        positive.partner_id = self.steady
        self.assertFalse(health.signal_negative_contacts)
        self.assertTrue(self._health(self.steady).signal_negative_contacts)
        positive.unlink()
        self.assertFalse(self._health(self.steady).signal_negative_contacts)

    def test_other_accounts_untouched(self):
        """Only key accounts have a risk; an account's log refreshes that account only."""
        other = self.env["res.partner"].create({"name": "Plain Client Ltd", "is_company": True})
        self._log(other, "2025-06-25", "negative")
        self.assertFalse(self.env["kam.account.health"].search([("partner_id", "=", other.id)]))
        healths = self._refresh(self.risky, self.steady)
        self.env.cr.execute(
            "UPDATE kam_account_health SET last_refresh = NULL WHERE id IN %s", [tuple(healths.ids)],
        )
        healths.invalidate_recordset(["last_refresh"])
        self._log(self.risky, "2025-06-25", "negative")
        self.assertFalse(self._health(self.steady).last_refresh)
        self.assertTrue(self._health(self.risky).last_refresh)
        self.assertTrue(self._health(self.risky).signal_negative_contacts)

    def test_contact_saved_when_risk_settings_are_out_of_bounds(self):
        """A company whose risk settings are broken leaves its risk to the nightly job
        (which reports it): the contact itself is still logged."""
        health = self._refresh(self.risky)
        # out of bounds as an old row could hold it (the settings form refuses it)
        self.env.cr.execute(
            "UPDATE res_company SET kam_risk_category_months = 0 WHERE id = %s", [self.company.id],
        )
        self.company.invalidate_recordset(["kam_risk_category_months"])
        log = self._log(self.risky, "2025-06-29", "negative")
        self.assertTrue(log.exists())
        self.assertFalse(health.signal_negative_contacts)
