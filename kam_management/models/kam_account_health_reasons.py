# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.tools import formatLang

from ..rules import risk


class KamAccountHealth(models.Model):
    """The reasons of a risk score, as sentences in the reader's language.

    The refresh stores the numbers of each fired signal (``signal_data``); the
    sentences are computed when read, so that every user reads them in their
    own language and number format.
    """

    _inherit = "kam.account.health"

    risk_reasons = fields.Text(
        string="Reasons", compute="_compute_risk_reasons",
        help="Why the score is what it is: one sentence per fired signal, heaviest first.",
    )

    @api.depends("signal_data")
    @api.depends_context("lang")
    def _compute_risk_reasons(self):
        for health in self:
            data = health.signal_data or {}
            lines = [
                f"• {health._kam_signal_sentence(code, data[code])} (+{risk.SIGNAL_WEIGHTS[code]})"
                for code in risk.ordered_signals(data)
            ]
            health.risk_reasons = "\n".join(lines)

    def _kam_signal_sentence(self, code, values):
        """The translated sentence explaining one fired signal, with its numbers."""
        def amount(value):
            return formatLang(self.env, value, digits=0)

        if code == risk.SHRINKING_AMOUNTS:
            return self.env._(
                "Order amounts shrank over the last %(count)s orders: %(amounts)s (-%(drop)s %%).",
                count=len(values["amounts"]),
                amounts=" → ".join(amount(a) for a in values["amounts"]),
                drop=formatLang(self.env, values["drop"], digits=1),
            )
        if code == risk.INTERVAL_GROWTH:
            if values["ongoing"]:
                return self.env._(
                    "No order for %(current)s days, against an average of %(average)s days "
                    "between orders.",
                    current=values["current"], average=values["average"],
                )
            return self.env._(
                "The last interval between orders was %(current)s days, against an average "
                "of %(average)s days.",
                current=values["current"], average=values["average"],
            )
        if code == risk.PAYMENT_DELAY:
            return self.env._(
                "Each of the last %(count)s invoices was paid later than the one before: "
                "%(delays)s days late.",
                count=len(values["delays"]),
                delays=" → ".join(str(d) for d in values["delays"]),
            )
        if code == risk.NO_POSITIVE_CONTACT:
            if values["days"] is None:
                return self.env._(
                    "No positive contact logged yet (the rule asks for one every %(limit)s days).",
                    limit=values["limit"],
                )
            return self.env._(
                "Last positive contact %(days)s days ago (the rule asks for one every "
                "%(limit)s days).",
                days=values["days"], limit=values["limit"],
            )
        if code == risk.NEGATIVE_CONTACTS:
            return self.env._(
                "%(count)s negative contact(s) over the last %(days)s days.",
                count=values["count"], days=values["days"],
            )
        if code == risk.DROPPED_CATEGORIES:
            return self.env._(
                "Categories bought before but not in the last %(months)s months: %(categories)s.",
                months=values.get("months"), categories=", ".join(values["categories"]),
            )
        return code
