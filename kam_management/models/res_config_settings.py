# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kam_currency_id = fields.Many2one(related="company_id.currency_id", string="KAM Currency")
    kam_share_basis = fields.Selection(related="company_id.kam_share_basis", readonly=False)
    kam_window_months = fields.Integer(related="company_id.kam_window_months", readonly=False)
    kam_key_share = fields.Float(related="company_id.kam_key_share", readonly=False)
    kam_absolute_threshold_enabled = fields.Boolean(
        related="company_id.kam_absolute_threshold_enabled", readonly=False
    )
    kam_absolute_threshold = fields.Monetary(
        related="company_id.kam_absolute_threshold", readonly=False,
        currency_field="kam_currency_id",
    )
    kam_critical_share = fields.Float(related="company_id.kam_critical_share", readonly=False)
    kam_mono_share = fields.Float(related="company_id.kam_mono_share", readonly=False)
    kam_portfolio_band_low = fields.Float(
        related="company_id.kam_portfolio_band_low", readonly=False
    )
    kam_portfolio_band_high = fields.Float(
        related="company_id.kam_portfolio_band_high", readonly=False
    )
    kam_portfolio_mono_share = fields.Float(
        related="company_id.kam_portfolio_mono_share", readonly=False
    )
    kam_max_accounts_per_kam = fields.Integer(
        related="company_id.kam_max_accounts_per_kam", readonly=False
    )
    kam_working_orders = fields.Integer(related="company_id.kam_working_orders", readonly=False)
    kam_regular_orders = fields.Integer(related="company_id.kam_regular_orders", readonly=False)
    kam_vip_review_days = fields.Integer(related="company_id.kam_vip_review_days", readonly=False)
    kam_quotation_validity_days = fields.Integer(
        related="company_id.kam_quotation_validity_days", readonly=False
    )
    kam_dossier_stale_days = fields.Integer(
        related="company_id.kam_dossier_stale_days", readonly=False
    )
    kam_required_dmu_role_ids = fields.Many2many(
        related="company_id.kam_required_dmu_role_ids", readonly=False
    )
    kam_positive_gap_enabled = fields.Boolean(
        related="company_id.kam_positive_gap_enabled", readonly=False
    )
    kam_positive_gap_days = fields.Integer(
        related="company_id.kam_positive_gap_days", readonly=False
    )
    kam_cooldown_enabled = fields.Boolean(related="company_id.kam_cooldown_enabled", readonly=False)
    kam_cooldown_days = fields.Integer(related="company_id.kam_cooldown_days", readonly=False)
    kam_followup_enabled = fields.Boolean(related="company_id.kam_followup_enabled", readonly=False)
    kam_tender_enabled = fields.Boolean(related="company_id.kam_tender_enabled", readonly=False)
    kam_tender_months = fields.Integer(related="company_id.kam_tender_months", readonly=False)
    kam_greeting_enabled = fields.Boolean(related="company_id.kam_greeting_enabled", readonly=False)
    kam_greeting_days = fields.Integer(related="company_id.kam_greeting_days", readonly=False)

    # Analytics: churn-risk signals (SPEC §4)
    kam_risk_orders = fields.Integer(related="company_id.kam_risk_orders", readonly=False)
    kam_risk_interval_factor = fields.Float(
        related="company_id.kam_risk_interval_factor", readonly=False
    )
    kam_risk_category_months = fields.Integer(
        related="company_id.kam_risk_category_months", readonly=False
    )
    kam_risk_negative_days = fields.Integer(
        related="company_id.kam_risk_negative_days", readonly=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        # The bounds of the company's fields, checked before the form converts
        # them: NaN or text in an integer field would fail without a message.
        for vals in vals_list:
            self.env["res.company"]._kam_check_storable(vals)
        return super().create(vals_list)

    def write(self, vals):
        self.env["res.company"]._kam_check_storable(vals)
        return super().write(vals)

    # Identification: "Recompute now"
    def action_kam_recompute_metrics(self):
        """Recompute the metrics, candidates and alerts of the settings' company
        with its saved rules (the nightly cron does the same for all companies)."""
        self.ensure_one()
        self.env["kam.identification"].sudo()._recompute(companies=self.company_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Key-account metrics of %(company)s recomputed.", company=self.company_id.name
                ),
            },
        }
