# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from .res_partner_identity import KAM_USER_GROUP


class ResPartner(models.Model):
    """The communication with a key account (SPEC §3).

    Its dates (professional day, company birthday), contact log, plan lines,
    plan compliance and cool-down, computed for a whole page of accounts in a
    few queries, in the current company."""

    _inherit = "res.partner"

    kam_professional_day = fields.Date(
        string="Professional Holiday",
        help="The client's professional holiday (year ignored): a greeting date of the plan.",
    )
    kam_company_birthday = fields.Date(
        string="Company Birthday",
        help="The client company's foundation date (year ignored): a greeting date of the plan.",
    )
    kam_contact_log_ids = fields.One2many(
        "kam.contact.log", "partner_id", string="Contact Log", groups=KAM_USER_GROUP
    )
    kam_plan_line_ids = fields.One2many(
        "kam.comm.plan.line", "partner_id", string="Communication Plan", groups=KAM_USER_GROUP
    )

    # Current company, computed for a whole page of accounts in a few queries.
    kam_compliance_rate = fields.Float(
        string="Plan Compliance (%)",
        compute="_compute_kam_communication",
        digits=(16, 0),
        groups=KAM_USER_GROUP,
        help="Share of the planned contacts of the last 90 days done on time (3 days of grace).",
    )
    kam_compliance_planned = fields.Integer(
        string="Planned Contacts (90 days)", compute="_compute_kam_communication", groups=KAM_USER_GROUP
    )
    kam_last_positive_contact_date = fields.Date(
        string="Last Positive Contact", compute="_compute_kam_communication", groups=KAM_USER_GROUP
    )
    kam_cooldown_until = fields.Date(
        string="Cool-Down Until",
        compute="_compute_kam_communication",
        groups=KAM_USER_GROUP,
        help="A negative contact is cooling down: no personal contact by the people involved "
        "until this date.",
    )
    kam_contact_log_count = fields.Integer(compute="_compute_kam_communication", groups=KAM_USER_GROUP)
    kam_plan_line_count = fields.Integer(compute="_compute_kam_communication", groups=KAM_USER_GROUP)
    kam_plan_overdue_count = fields.Integer(compute="_compute_kam_communication", groups=KAM_USER_GROUP)

    @api.depends_context("company", "uid")
    def _compute_kam_communication(self):
        """Figures of the current company, for the accounts the user may see.

        Counted as superuser (a KAM counts every contact of their account, not
        only those they took part in), so the accounts are first narrowed to
        those whose KAM data the user may see: their own (KAM or team), all
        for a KAM Manager. Other accounts get empty figures: cool-downs and
        last contacts tell how another KAM's relationship goes.
        """
        today = fields.Date.context_today(self)
        company = self.env.company
        accounts = self.env["kam.account.owned.mixin"]._kam_owned_accounts(
            self._origin.commercial_partner_id
        )
        compliance = self.env["kam.comm.occurrence"].sudo()._kam_compliance(accounts, today, company)
        Log = self.env["kam.contact.log"].sudo()
        log_domain = [("partner_id", "in", accounts.ids), ("company_id", "=", company.id)]
        last_positive = dict(Log._read_group(
            log_domain + [("outcome", "=", "positive")], ["partner_id"], ["date:max"]
        ))
        log_counts = dict(Log._read_group(log_domain, ["partner_id"], ["__count"]))
        cooldowns = {}
        for (partner_id, _user_id), (_start, until) in Log._kam_active_cooldowns(accounts, today, company).items():
            cooldowns[partner_id] = max(until, cooldowns.get(partner_id, until))
        line_counts = {}
        for partner, state, count in self.env["kam.comm.plan.line"].sudo()._read_group(
            [("partner_id", "in", accounts.ids), ("company_id", "=", company.id)],
            ["partner_id", "state"],
            ["__count"],
        ):
            line_counts.setdefault(partner.id, {})[state] = count
        for partner in self:
            account = partner._origin.commercial_partner_id
            planned, _on_time, rate = compliance.get(account.id, (0, 0, 0.0))
            partner.kam_compliance_rate = rate
            partner.kam_compliance_planned = planned
            partner.kam_last_positive_contact_date = last_positive.get(account, False)
            partner.kam_cooldown_until = cooldowns.get(account.id, False)
            partner.kam_contact_log_count = log_counts.get(account, 0)
            partner.kam_plan_line_count = sum(line_counts.get(account.id, {}).values())
            partner.kam_plan_overdue_count = line_counts.get(account.id, {}).get("overdue", 0)

    def action_kam_open_contact_log(self):
        return self._kam_account_action("kam_management.kam_contact_log_action")

    def action_kam_open_plan(self):
        self.ensure_one()
        self._kam_check_owned(self.env._("open its communication plan"))
        return self._kam_account_action(
            "kam_management.kam_comm_plan_line_action", search_default_filter_open=1,
        )

    def action_kam_apply_plan_template(self):
        self._kam_check_owned(self.env._("apply a communication plan to it"))
        return self.env["kam.comm.plan.apply.wizard"]._kam_open(
            default_partner_ids=self.commercial_partner_id.ids,
        )
