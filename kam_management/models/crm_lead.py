# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from ..rules.dmu import dmu_coverage, missing_roles
from .kam_selections import KAM_STATUS


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "kam.derived.fields.mixin"]
    # Only these: Odoo's own flows write leads all the time.
    _kam_derived_fields = (
        "kam_partner_status", "kam_account_user_id", "kam_dependency_level",
        "kam_dmu_coverage", "kam_dmu_missing_decision_maker", "kam_dmu_missing_role_names",
        "kam_compliance_rate", "kam_compliance_planned",
    )

    # ------------------------------------------------------------------
    # Identification (SPEC §1): key-account badge and KAM on the pipeline
    # ------------------------------------------------------------------

    # The account's identity in the lead's company. Stored so that the
    # pipeline can be grouped and filtered by them; ``kam.account`` recomputes
    # them when the account's status or KAM changes in a company.
    kam_partner_status = fields.Selection(
        KAM_STATUS, string="Key-Account Status", store=True, index=True,
        compute="_compute_kam_account_identity",
    )
    kam_account_user_id = fields.Many2one(
        "res.users", string="Key Account Manager", store=True, index="btree_not_null",
        compute="_compute_kam_account_identity",
    )
    # Depends on the current company: computed for the whole page in one query.
    kam_dependency_level = fields.Selection(
        related="partner_id.commercial_partner_id.kam_dependency_level",
        string="Dependency",
    )

    @api.depends("partner_id.commercial_partner_id", "company_id")
    def _compute_kam_account_identity(self):
        """The identity of the account in the lead's company (a lead without a
        company: the account's only identity, if it has one)."""
        leads = self.sudo()
        accounts = leads.partner_id.commercial_partner_id
        rows = self.env["kam.account"].sudo().search_fetch(
            [("partner_id", "in", accounts.ids)], ["partner_id", "company_id", "kam_status", "kam_user_id"],
        ) if accounts else self.env["kam.account"]
        by_pair = {(row.partner_id.id, row.company_id.id): row for row in rows}
        for lead in self:
            account = lead.sudo().partner_id.commercial_partner_id
            row = by_pair.get((account.id, lead.company_id.id))
            if not row and not lead.company_id:
                own = rows.filtered(lambda row, account=account: row.partner_id == account)
                row = own if len(own) == 1 else None
            lead.kam_partner_status = row.kam_status if row else "none"
            lead.kam_account_user_id = row.kam_user_id if row else False

    @api.onchange("partner_id")
    def _onchange_partner_id_kam_user(self):
        """A new opportunity of a key account goes to its KAM (SPEC §1)."""
        if not self._origin and self.kam_partner_status == "key":
            kam = self._kam_default_user(self.partner_id, self.company_id)
            if kam:
                self.user_id = kam

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "user_id" not in vals and vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                company = self.env["res.company"].browse(vals.get("company_id"))
                kam = self._kam_default_user(partner, company)
                if kam:
                    vals["user_id"] = kam.id
        leads = super().create(vals_list)
        leads._kam_subscribe_account_kam()
        return leads

    @api.model
    def _kam_default_user(self, partner, company):
        """The KAM of a key account, when the lead may be theirs.

        The KAM must work in the lead's company, and the current user must be
        allowed to hand a lead to someone else (all-leads access, as KAM
        managers and sales managers have): a salesperson who only sees their
        own leads keeps the lead, and the KAM follows it instead.
        """
        account = partner.commercial_partner_id
        no_user = self.env["res.users"]
        # The account's identity in the lead's company.
        identity = account.sudo().with_company(company or self.env.company)
        kam = identity.kam_user_id.with_env(self.env) if identity.kam_status == "key" else no_user
        if not kam or (company and company not in kam.company_ids):
            return no_user
        if kam != self.env.user and not (
            self.env.su or self.env.user.has_group("sales_team.group_sale_salesman_all_leads")
        ):
            return no_user
        return kam

    def _kam_subscribe_account_kam(self):
        """The KAM of a key account follows its new opportunities."""
        for lead in self.filtered(lambda lead: lead.kam_partner_status == "key"):
            kam = lead.kam_account_user_id
            if kam and kam != lead.user_id:
                lead.message_subscribe(partner_ids=kam.partner_id.ids)

    # ------------------------------------------------------------------
    # DMU (SPEC §2): the deal's decision-making unit and its coverage
    # ------------------------------------------------------------------

    kam_dmu_line_ids = fields.One2many(
        "kam.lead.dmu", "lead_id", string="Deal DMU", copy=False,
        groups="kam_management.group_kam_user",
    )
    # Stored: the pipeline shows, sorts and filters them without computing.
    kam_dmu_coverage = fields.Float(
        string="DMU Coverage (%)", compute="_compute_kam_dmu_coverage", store=True,
        digits=(16, 0), aggregator="avg", groups="kam_management.group_kam_user",
        help="Share of the company's required DMU roles present in this deal.",
    )
    kam_dmu_missing_decision_maker = fields.Boolean(
        string="No Decision Maker", compute="_compute_kam_dmu_coverage", store=True,
        groups="kam_management.group_kam_user",
    )
    kam_dmu_missing_role_names = fields.Char(
        string="Missing DMU Roles", compute="_compute_kam_dmu_missing_role_names",
        groups="kam_management.group_kam_user",
    )

    @api.depends("kam_dmu_line_ids.role_id", "company_id.kam_required_dmu_role_ids")
    def _compute_kam_dmu_coverage(self):
        # Lines and roles are read for the whole batch at once (prefetch) and
        # as superuser: the score is stored for every lead, whoever saves it.
        for lead, lead_sudo in zip(self, self.sudo(), strict=True):
            present = lead_sudo.kam_dmu_line_ids.role_id
            required = (lead_sudo.company_id or self.env.company).kam_required_dmu_role_ids
            lead.kam_dmu_coverage = dmu_coverage(required.ids, present.ids)
            lead.kam_dmu_missing_decision_maker = "decision_maker" not in present.mapped("code")

    @api.depends("kam_dmu_line_ids.role_id", "company_id.kam_required_dmu_role_ids")
    def _compute_kam_dmu_missing_role_names(self):
        for lead in self:
            required = (lead.company_id or self.env.company).kam_required_dmu_role_ids
            missing = missing_roles(required.ids, lead.kam_dmu_line_ids.role_id.ids)
            lead.kam_dmu_missing_role_names = ", ".join(
                self.env["kam.dmu.role"].browse(missing).mapped("name")
            )

    def action_kam_open_relationship_map(self):
        self.ensure_one()
        return self.partner_id.commercial_partner_id._kam_relationship_map_action()

    # ------------------------------------------------------------------
    # Communication (SPEC §3): the account's plan compliance on the pipeline
    # ------------------------------------------------------------------

    # The account's compliance, for the pipeline: one query for the whole page.
    kam_compliance_rate = fields.Float(
        string="Plan Compliance (%)", compute="_compute_kam_compliance", digits=(16, 0),
        groups="kam_management.group_kam_user",
    )
    kam_compliance_planned = fields.Integer(
        compute="_compute_kam_compliance", groups="kam_management.group_kam_user"
    )

    @api.depends("partner_id")
    @api.depends_context("company", "uid")
    def _compute_kam_compliance(self):
        """Counted as superuser, but only for the accounts whose KAM data the
        user may see: the deal's salesperson does not learn how another KAM's
        plan is kept."""
        accounts = self.env["kam.account.owned.mixin"]._kam_owned_accounts(
            self.partner_id._origin.commercial_partner_id
        )
        compliance = self.env["kam.comm.occurrence"].sudo()._kam_compliance(accounts)
        for lead in self:
            planned, _on_time, rate = compliance.get(
                lead.partner_id._origin.commercial_partner_id.id, (0, 0, 0.0)
            )
            lead.kam_compliance_rate = rate
            lead.kam_compliance_planned = planned

    def _kam_derived_source(self):
        return self.env._(
            "the key-account status, KAM, dependency and plan compliance are those of the "
            "account, and the DMU coverage follows the deal's DMU"
        )
