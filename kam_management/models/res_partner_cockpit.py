# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..rules import risk
from .res_partner_identity import KAM_MANAGER_GROUP, KAM_USER_GROUP


class ResPartner(models.Model):
    """My Key Accounts: what a KAM reads of each account at a glance.

    From the records of the current company, a few queries for a whole page
    of accounts. Empty for the accounts whose KAM data the user may not see
    (``kam_is_owned``): the cockpit says they are restricted."""

    _inherit = "res.partner"

    kam_risk_reason = fields.Char(
        string="Main Risk Reason", compute="_compute_kam_cockpit", groups=KAM_USER_GROUP,
        help="The heaviest risk signal of the account at the last refresh.",
    )
    kam_next_plan_line_id = fields.Many2one(
        "kam.comm.plan.line", string="Next Planned Contact", compute="_compute_kam_cockpit",
        groups=KAM_USER_GROUP,
    )
    kam_next_contact_date = fields.Date(
        string="Next Contact", compute="_compute_kam_cockpit", groups=KAM_USER_GROUP,
        help="The earliest due date of the communication plan's open contacts.",
    )
    kam_dossier_id = fields.Many2one(
        "kam.dossier", string="Dossier", compute="_compute_kam_cockpit", groups=KAM_USER_GROUP
    )
    kam_dossier_completeness = fields.Float(
        string="Dossier Completeness (%)", compute="_compute_kam_cockpit", digits=(16, 0),
        groups=KAM_USER_GROUP,
    )
    kam_active_plan_id = fields.Many2one(
        "kam.account.plan", string="Current Account Plan", compute="_compute_kam_cockpit",
        groups=KAM_USER_GROUP,
        help="The active account plan covering today, else the latest active one.",
    )
    kam_active_plan_progress = fields.Float(
        string="Account Plan Progress (%)", compute="_compute_kam_cockpit", digits=(16, 0),
        groups=KAM_USER_GROUP,
    )
    kam_alert_count = fields.Integer(
        string="Open Alerts", compute="_compute_kam_cockpit", groups=KAM_USER_GROUP,
        help="Key-account alerts (dependency, VIP review...) still open on the account.",
    )

    @api.depends_context("company", "uid")
    def _compute_kam_cockpit(self):
        """One query per source for the whole batch, on the accounts the user may see.

        Read as superuser once narrowed to those accounts (as the
        communication figures are): a KAM reads every record of their
        account, not only those they are responsible for.
        """
        company = self.env.company
        today = fields.Date.context_today(self)
        owned = self.env["kam.account.owned.mixin"]._kam_owned_accounts(
            self._origin.commercial_partner_id
        )
        reasons = self._kam_cockpit_risk_reasons(owned, company)
        next_lines = self._kam_cockpit_next_lines(owned, company)
        dossiers = {
            dossier.partner_id.id: dossier
            for dossier in self.env["kam.dossier"].sudo().search_fetch(
                [("partner_id", "in", owned.ids), ("company_id", "=", company.id)],
                ["partner_id", "completeness"],
            )
        }
        # The active plan of each account: the one running today, else the
        # latest one (plans are read newest first).
        plans = {}
        for plan in self.env["kam.account.plan"].sudo().search_fetch(
            [("partner_id", "in", owned.ids), ("company_id", "=", company.id), ("state", "=", "active")],
            ["partner_id", "progress", "date_from", "date_to"],
            order="date_from desc, id desc",
        ):
            current = plans.get(plan.partner_id.id)
            if not current or (
                plan.date_from <= today <= plan.date_to
                and not current.date_from <= today <= current.date_to
            ):
                plans[plan.partner_id.id] = plan
        alerts = dict(self.env["mail.activity"].sudo()._read_group(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", owned.ids),
                ("kam_alert_kind", "!=", False),
            ],
            ["res_id"],
            ["__count"],
        ))
        # Records in the user's environment (not sudo): the form opened from a
        # card is read with the user's own rights.
        Line = self.env["kam.comm.plan.line"]
        Dossier = self.env["kam.dossier"]
        Plan = self.env["kam.account.plan"]
        for partner in self:
            account_id = partner._origin.commercial_partner_id.id
            line_id, next_date = next_lines.get(account_id, (False, False))
            dossier = dossiers.get(account_id, Dossier)
            plan = plans.get(account_id, Plan)
            partner.kam_risk_reason = reasons.get(account_id, False)
            partner.kam_next_plan_line_id = Line.browse(line_id)
            partner.kam_next_contact_date = next_date
            partner.kam_dossier_id = Dossier.browse(dossier.id)
            partner.kam_dossier_completeness = dossier.completeness
            partner.kam_active_plan_id = Plan.browse(plan.id)
            partner.kam_active_plan_progress = plan.progress
            partner.kam_alert_count = alerts.get(account_id, 0)

    def action_kam_cockpit_log_contact(self):
        """Log a contact with the account: the planned one when it is due today
        or late (logging it fulfils it), else a contact of its own."""
        self.ensure_one()
        self._kam_check_owned(self.env._("log a contact with it"))
        account = self.commercial_partner_id
        line = account.kam_next_plan_line_id
        if line and line.next_due_date <= fields.Date.context_today(self):
            return line.action_log_contact()
        # The account, date and channel share one compute in the wizard: a
        # default for one of them only would leave the others empty.
        return self.env["kam.contact.outcome.wizard"]._kam_open_action({
            "default_partner_id": account.id,
            "default_date": fields.Date.to_string(fields.Date.context_today(self)),
            "default_channel": "phone",
        })

    @api.model
    def _kam_cockpit_action(self):
        """The cockpit (menu action): a KAM starts on their own accounts, a KAM
        Manager on every account grouped by KAM (the team view)."""
        if self.env.user.has_group(KAM_MANAGER_GROUP):
            defaults = {"search_default_kam_group_user": 1}
        else:
            defaults = {"search_default_kam_my_accounts": 1}
        return self._kam_action_with_defaults("kam_management.kam_cockpit_act_window", defaults)

    @api.model
    def _kam_accounts_action(self):
        """The key-account list (menu action): a KAM starts on their own
        accounts, a KAM Manager on every key account."""
        if self.env.user.has_group(KAM_MANAGER_GROUP):
            defaults = {"search_default_kam_key": 1}
        else:
            defaults = {"search_default_kam_my_key": 1}
        return self._kam_action_with_defaults("kam_management.kam_partner_action", defaults)

    @api.model
    def _kam_action_with_defaults(self, xmlid, defaults):
        """The window action ``xmlid`` whose default filters are ``defaults``."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        context = safe_eval(action.get("context") or "{}", {"uid": self.env.uid})
        context = {key: value for key, value in context.items() if not key.startswith("search_default_")}
        action["context"] = dict(context, **defaults)
        return action

    @api.model
    def _kam_cockpit_risk_reasons(self, accounts, company):
        """{account id: the sentence of its heaviest fired risk signal}."""
        reasons = {}
        for health in self.env["kam.account.health"].sudo().search_fetch(
            [("partner_id", "in", accounts.ids), ("company_id", "=", company.id)],
            ["partner_id", "signal_data"],
        ):
            data = health.signal_data or {}
            codes = risk.ordered_signals(data)
            if codes:
                reasons[health.partner_id.id] = health._kam_signal_sentence(codes[0], data[codes[0]])
        return reasons

    @api.model
    def _kam_cockpit_next_lines(self, accounts, company):
        """{account id: (plan line id, due date)} of the earliest open contact of each account."""
        if not accounts:
            return {}
        self.env["kam.comm.plan.line"].flush_model(
            ["partner_id", "company_id", "active", "state", "next_due_date", "sequence"]
        )
        rows = self.env.execute_query(SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, id, next_due_date
              FROM kam_comm_plan_line
             WHERE partner_id = ANY(%s)
               AND company_id = %s
               AND active
               AND state IN ('planned', 'overdue')
               AND next_due_date IS NOT NULL
             ORDER BY partner_id, next_due_date, sequence, id
            """,
            accounts.ids,
            company.id,
        ))
        return {partner_id: (line_id, due) for partner_id, line_id, due in rows}
