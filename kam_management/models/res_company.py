# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..rules.thresholds import threshold_errors

# The settings each cron reads. A company whose stored values are out of
# bounds (rows written before the bounds existed, or in SQL) is skipped by
# that cron with a logged error, instead of failing the run for every company.
KAM_CRON_SETTINGS = {
    "identification": (
        "kam_window_months", "kam_key_share", "kam_critical_share", "kam_mono_share",
        "kam_absolute_threshold", "kam_working_orders", "kam_regular_orders",
        "kam_portfolio_band_low", "kam_portfolio_band_high", "kam_portfolio_mono_share",
        "kam_max_accounts_per_kam",
    ),
    "risk": (
        "kam_risk_orders", "kam_risk_interval_factor", "kam_risk_category_months",
        "kam_risk_negative_days", "kam_positive_gap_days",
    ),
}


class ResCompany(models.Model):
    """Key-account rules are per company: each company has its own totals."""

    _name = "res.company"
    _inherit = ["res.company", "kam.bounds.mixin"]

    # Identification (SPEC §1, digest §1.2, §1.3, §2.1, §1.6.1)
    kam_share_basis = fields.Selection(
        [
            ("margin", "Gross margin"),
            ("invoiced", "Invoiced revenue"),
            ("ordered", "Ordered revenue"),
        ],
        string="Basis of Share",
        default="margin",
        required=True,
        help="What a client's share of the company is measured on. The sources "
        "prefer income (gross margin) over turnover.",
    )
    kam_window_months = fields.Integer(
        string="Trailing Window (months)", default=12, required=True
    )
    kam_key_share = fields.Float(string="Key-Account Share (%)", default=10.0)
    kam_absolute_threshold_enabled = fields.Boolean(string="Absolute Threshold")
    kam_absolute_threshold = fields.Monetary(
        string="Absolute Threshold Amount",
        currency_field="currency_id",
        help="Yearly amount of the basis above which a client is a candidate, "
        "whatever its share.",
    )
    kam_critical_share = fields.Float(string="Critical Dependency (%)", default=20.0)
    kam_mono_share = fields.Float(string="Mono-Client (%)", default=70.0)
    kam_portfolio_band_low = fields.Float(string="Key Accounts' Share: Low (%)", default=30.0)
    kam_portfolio_band_high = fields.Float(string="Key Accounts' Share: High (%)", default=55.0)
    kam_portfolio_mono_share = fields.Float(
        string="Portfolio Mono-Dependence (%)", default=75.0
    )
    kam_max_accounts_per_kam = fields.Integer(string="Max Key Accounts per KAM", default=3)
    kam_working_orders = fields.Integer(string="Working Client Orders", default=1)
    kam_regular_orders = fields.Integer(string="Regular Client Orders", default=3)
    kam_vip_review_days = fields.Integer(string="VIP Review Interval (days)", default=180)
    kam_quotation_validity_days = fields.Integer(
        string="Key-Account Quotation Validity (days)", default=30,
        help="Quotations to key accounts must expire: when the default quotation validity "
        "of the company is 0 (no expiry), they are valid for this many days.",
    )

    # Dossier (SPEC §2)
    kam_dossier_stale_days = fields.Integer(string="Dossier Stale After (days)", default=90)
    # DMU coverage of deals (SPEC §2): the roles a deal's DMU should include.
    kam_required_dmu_role_ids = fields.Many2many(
        "kam.dmu.role",
        "res_company_kam_required_dmu_role_rel",
        "company_id",
        "role_id",
        string="Required DMU Roles",
        default=lambda self: self._kam_default_required_dmu_roles(),
        help="Roles a deal's decision-making unit should include; the DMU coverage "
        "of an opportunity is the share of them that is present.",
    )

    # Communication rules (SPEC §3, digest §5)
    kam_positive_gap_enabled = fields.Boolean(string="Positive-Contact Gap Rule", default=True)
    kam_positive_gap_days = fields.Integer(string="Positive Contact Every (days)", default=10)
    kam_cooldown_enabled = fields.Boolean(string="Cool-Down Rule", default=True)
    kam_cooldown_days = fields.Integer(string="Cool-Down After Negative Contact (days)", default=14)
    kam_followup_enabled = fields.Boolean(string="Proposal Follow-Up Rule", default=True)
    kam_tender_enabled = fields.Boolean(string="Tender Preparation Rule", default=True)
    kam_tender_months = fields.Integer(string="Tender Preparation Starts (months before)", default=9)
    kam_greeting_enabled = fields.Boolean(string="Greeting Reminders", default=True)
    kam_greeting_days = fields.Integer(string="Greeting Reminder (days before)", default=7)

    # Analytics: churn-risk signals (SPEC §4, digest §7.1)
    kam_risk_orders = fields.Integer(
        string="Risk: Orders Compared", default=3,
        help="Order amounts shrinking, and payment delays growing, over this many "
        "last orders / invoices raise a risk signal.",
    )
    kam_risk_interval_factor = fields.Float(
        string="Risk: Interval Growth Factor", default=1.5,
        help="The time since the last order (or the last interval) counts as grown "
        "when it reaches this multiple of the account's average interval.",
    )
    kam_risk_category_months = fields.Integer(
        string="Risk: Category Window (months)", default=6,
        help="Product categories bought in the previous window of this length but "
        "not in the recent one are reported as dropped.",
    )
    kam_risk_negative_days = fields.Integer(
        string="Risk: Negative Contacts Window (days)", default=90,
    )

    @api.constrains(
        "kam_key_share", "kam_critical_share", "kam_mono_share",
        "kam_portfolio_band_low", "kam_portfolio_band_high", "kam_portfolio_mono_share",
        "kam_window_months", "kam_max_accounts_per_kam", "kam_working_orders",
        "kam_regular_orders", "kam_vip_review_days",
    )
    def _check_kam_thresholds(self):
        for company in self:
            codes = threshold_errors(company._kam_rule_values())
            if codes:
                messages = company._kam_threshold_messages()
                raise ValidationError(
                    "\n".join(messages.get(code, code) for code in codes)
                )
        self._kam_check_bounds([
            "kam_key_share", "kam_critical_share", "kam_mono_share",
            "kam_portfolio_band_low", "kam_portfolio_band_high", "kam_portfolio_mono_share",
            "kam_window_months", "kam_max_accounts_per_kam", "kam_working_orders",
            "kam_regular_orders", "kam_vip_review_days",
        ])

    @api.constrains("kam_quotation_validity_days")
    def _check_kam_quotation_validity_days(self):
        self._kam_check_bounds(["kam_quotation_validity_days"])

    @api.constrains("kam_absolute_threshold")
    def _check_kam_absolute_threshold(self):
        for company in self:
            if company.kam_absolute_threshold < 0:
                raise ValidationError(self.env._("The absolute threshold cannot be negative."))
        self._kam_check_bounds(["kam_absolute_threshold"])

    @api.constrains(
        "kam_dossier_stale_days", "kam_positive_gap_days", "kam_cooldown_days",
        "kam_tender_months", "kam_greeting_days",
    )
    def _check_kam_periods(self):
        for company in self:
            if company.kam_dossier_stale_days < 1:
                raise ValidationError(self.env._("The dossier stale period must be at least 1 day."))
            if company.kam_positive_gap_days < 1:
                raise ValidationError(self.env._("The positive-contact gap must be at least 1 day."))
            if company.kam_cooldown_days < 0:
                raise ValidationError(self.env._("The cool-down period cannot be negative."))
            if not 1 <= company.kam_tender_months <= 36:
                raise ValidationError(
                    self.env._("Tender preparation must start between 1 and 36 months before the tender.")
                )
            if company.kam_greeting_days < 0:
                raise ValidationError(self.env._("The greeting reminder lead time cannot be negative."))
        self._kam_check_bounds([
            "kam_dossier_stale_days", "kam_positive_gap_days", "kam_cooldown_days",
            "kam_tender_months", "kam_greeting_days",
        ])

    @api.constrains(
        "kam_risk_orders", "kam_risk_interval_factor", "kam_risk_category_months",
        "kam_risk_negative_days",
    )
    def _check_kam_risk_parameters(self):
        for company in self:
            if company.kam_risk_orders < 2:
                raise ValidationError(self.env._("Risk signals need at least 2 orders to compare."))
            if company.kam_risk_interval_factor <= 1:
                raise ValidationError(self.env._("The interval growth factor must be greater than 1."))
            if company.kam_risk_category_months < 1:
                raise ValidationError(self.env._("The category window must be at least 1 month."))
            if company.kam_risk_negative_days < 1:
                raise ValidationError(
                    self.env._("The negative contacts window must be at least 1 day.")
                )
        self._kam_check_bounds([
            "kam_risk_orders", "kam_risk_interval_factor", "kam_risk_category_months",
            "kam_risk_negative_days",
        ])

    # DMU (SPEC §2)
    @api.model
    def _kam_default_required_dmu_roles(self):
        """Decision maker, finance, technical and user, as seeded."""
        roles = self.env["kam.dmu.role"]
        for xmlid in ("decision_maker", "economic_buyer", "technical", "user"):
            roles |= self.env.ref(f"kam_management.kam_dmu_role_{xmlid}", raise_if_not_found=False) or roles
        return roles

    @api.model
    def _kam_init_required_dmu_roles(self):
        """At install, give the default required roles to the existing companies."""
        companies = self.search([("kam_required_dmu_role_ids", "=", False)])
        companies.write({"kam_required_dmu_role_ids": [(6, 0, self._kam_default_required_dmu_roles().ids)]})

    def _kam_settings_errors(self, cron):
        """Settings read by ``cron`` (a key of ``KAM_CRON_SETTINGS``) that are out of bounds."""
        return self._kam_bounds_errors(KAM_CRON_SETTINGS[cron])

    def _kam_rule_values(self):
        self.ensure_one()
        return {
            "key_share": self.kam_key_share,
            "critical_share": self.kam_critical_share,
            "mono_share": self.kam_mono_share,
            "band_low": self.kam_portfolio_band_low,
            "band_high": self.kam_portfolio_band_high,
            "mono_dependence": self.kam_portfolio_mono_share,
            "window_months": self.kam_window_months,
            "max_accounts_per_kam": self.kam_max_accounts_per_kam,
            "working_orders": self.kam_working_orders,
            "regular_orders": self.kam_regular_orders,
            "vip_review_days": self.kam_vip_review_days,
        }

    def _kam_threshold_messages(self):
        return {
            "range:key_share": self.env._("The key-account share threshold must be between 0 and 100 %."),
            "range:critical_share": self.env._("The critical dependency share must be between 0 and 100 %."),
            "range:mono_share": self.env._("The mono-client share must be between 0 and 100 %."),
            "range:band_low": self.env._("The low end of the key accounts' normal band must be between 0 and 100 %."),
            "range:band_high": self.env._("The high end of the key accounts' normal band must be between 0 and 100 %."),
            "range:mono_dependence": self.env._("The portfolio mono-dependence share must be between 0 and 100 %."),
            "order:client": self.env._(
                "Thresholds must be ordered: key-account share ≤ critical dependency ≤ mono-client."
            ),
            "order:portfolio": self.env._(
                "Portfolio shares must be ordered: normal band low ≤ band high ≤ mono-dependence."
            ),
            "min:window_months": self.env._("The trailing window must be at least 1 month."),
            "min:max_accounts_per_kam": self.env._("A KAM must be allowed at least 1 key account."),
            "min:working_orders": self.env._("The working-client order count must be at least 1."),
            "order:orders": self.env._("The regular-client order count must be at least the working-client count."),
            "min:vip_review_days": self.env._("The VIP review interval must be at least 1 day."),
        }
