# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models
from odoo.tools import SQL


class KamPortfolioReport(models.Model):
    """Feedback on the dashboard (digest §5.7: track the quantity and quality of
    the feedback each employee and the company receive): per account, the
    feedback received in the company's window, the share with every key
    question answered and the average satisfaction; grouped by KAM in the pivot."""

    _inherit = "kam.portfolio.report"
    _depends = {
        "kam.feedback": ["partner_id", "company_id", "date", "score", "is_complete"],
    }

    feedback_count = fields.Integer(string="Feedback Received", readonly=True)
    feedback_complete_rate = fields.Float(
        string="Complete Feedback (%)", readonly=True, aggregator="avg", digits=(16, 0),
    )
    feedback_score = fields.Float(
        string="Average Satisfaction", readonly=True, aggregator="avg", digits=(16, 1),
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT base.*,
                   COALESCE(fb.received, 0) AS feedback_count,
                   fb.complete_rate AS feedback_complete_rate,
                   fb.avg_score AS feedback_score
              FROM (%s) base
              JOIN res_company fc ON fc.id = base.company_id
         LEFT JOIN LATERAL (
                   SELECT COUNT(*) AS received,
                          100.0 * COUNT(*) FILTER (WHERE f.is_complete) / COUNT(*) AS complete_rate,
                          AVG(f.score) AS avg_score
                     FROM kam_feedback f
                    WHERE f.partner_id = base.partner_id
                      AND f.company_id = base.company_id
                      AND f.date > (NOW() AT TIME ZONE 'UTC')::date
                                   - make_interval(months => fc.kam_window_months)
                   HAVING COUNT(*) > 0
                   ) fb ON TRUE
            """,
            super()._table_query,
        )
