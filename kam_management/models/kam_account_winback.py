# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

END_REASONS = [
    ("quality", "Quality Complaints"),
    ("price", "Price / Terms"),
    ("competitor", "Went to a Competitor"),
    ("volumes", "Volumes Fell"),
    ("unprofitable", "Unprofitable for Us"),
    ("values", "Conflict of Values"),
    ("service", "Service / Delivery Problems"),
    ("people", "Key People Left"),
    ("client_closed", "Client Closed or Merged"),
    ("other", "Other"),
]
ENDED_BY = [("us", "Us"), ("client", "The Client")]


class KamAccount(models.Model):
    """When a relationship ends (digest §7.3): who ended it, why, whether the
    client may come back, and the low-frequency plan that keeps in touch."""

    _inherit = "kam.account"  # pylint: disable=consider-merging-classes-inherited

    kam_end_date = fields.Date(string="Ended On", tracking=True)
    kam_ended_by = fields.Selection(ENDED_BY, string="Ended By", tracking=True)
    kam_end_reason = fields.Selection(END_REASONS, string="End Reason", tracking=True)
    kam_end_note = fields.Text(string="End Details")
    kam_revivable = fields.Boolean(
        string="Revivable", tracking=True,
        help="The client may come back: keep in touch 1–2 times a year and look for a win-back.",
    )
    kam_winback_plan_date = fields.Date(
        string="Win-Back Plan Applied On", readonly=True, copy=False,
        help="When the low-frequency plan of a revivable former account was applied.",
    )

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------

    def _kam_record_end(self, ended_by, reason, note, revivable, date=None):
        """The end of these relationships (rows of one company each): who, why, revivable."""
        self.sudo().write({
            "kam_end_date": date or fields.Date.context_today(self),
            "kam_ended_by": ended_by,
            "kam_end_reason": reason,
            "kam_end_note": note,
            "kam_revivable": revivable,
        })

    def _kam_stop_plans(self):
        """The account no longer gets the contacts of a client we work with: its
        open plan lines in the row's company are archived (the win-back plan's
        are kept), with a note on the row."""
        winback = self.env.ref("kam_management.kam_comm_template_former", raise_if_not_found=False)
        Line = self.env["kam.comm.plan.line"].sudo()
        for company, rows in self.sudo().grouped("company_id").items():
            lines = Line.search([
                ("partner_id", "in", rows.partner_id.ids),
                ("company_id", "=", company.id),
                ("state", "!=", "done"),
                ("lead_id", "=", False),
                *([("template_id", "!=", winback.id)] if winback else []),
            ])
            if lines:
                lines.write({"active": False})

    def _kam_apply_winback_plan(self):
        """The 1–2 contacts a year of the Former Client template on these
        revivable former accounts, in each row's company, by its KAM."""
        template = self.env.ref("kam_management.kam_comm_template_former", raise_if_not_found=False)
        if not template:
            return self.env["kam.comm.plan.line"]
        lines = self.env["kam.comm.plan.line"]
        today = fields.Date.context_today(self)
        for company, rows in self.sudo().grouped("company_id").items():
            partners = rows.partner_id.with_company(company)
            rows._kam_stop_plans()
            lines |= template.sudo().with_company(company)._kam_apply(partners, start_date=today)
            rows.write({"kam_winback_plan_date": today})
            for row in rows:
                row.with_context(lang=(row.kam_user_id.lang or "en_US"))._message_log(
                    body=row.with_context(lang=(row.kam_user_id.lang or "en_US")).env._(
                        "Win-back plan applied: %(plan)s (at most two contacts a year).",
                        plan=template.with_context(lang=row.kam_user_id.lang or "en_US").name,
                    ),
                )
        return lines

    @api.model
    def _kam_revivable_without_plan(self, companies=None):
        """Rows of revivable former accounts (revivable on the row, or a dead
        client marked revivable) that never got their win-back plan."""
        domain = [
            ("kam_status", "=", "former"),
            ("kam_winback_plan_date", "=", False),
            ("partner_id.active", "=", True),
            "|",
            ("kam_revivable", "=", True),
            "&", ("partner_id.kam_lifecycle_block", "=", "dead"), ("partner_id.kam_dead_revivable", "=", True),
        ]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        return self.sudo().with_context(active_test=False).search(domain)
