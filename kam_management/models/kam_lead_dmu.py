# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_dmu_member import ATTITUDES, RELATIONSHIP_STAGES


class KamLeadDmu(models.Model):
    """A person of the client's DMU in one deal, with their role in that deal.

    People come from the account's DMU (``member_id``) or are typed in on the
    fly: a contact entered here joins the account's DMU, so the relationship
    knowledge gathered on a deal is not lost when the deal closes. A line
    belongs to the deal's account: only people (and DMU members) of that
    account, and only the users who may write that account's DMU.
    """

    _name = "kam.lead.dmu"
    _description = "Deal DMU Line"
    _inherit = ["kam.account.owned.mixin", "kam.derived.fields.mixin"]
    _kam_owner_fields = frozenset({"lead_id", "member_id", "contact_id"})
    _kam_account_partner_path = "lead_id.partner_id.commercial_partner_id"
    _kam_account_company_path = "lead_id.company_id"
    _order = "lead_id, is_primary desc, sequence, id"

    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    account_id = fields.Many2one(
        related="lead_id.partner_id.commercial_partner_id", string="Account"
    )
    sequence = fields.Integer(default=10)
    member_id = fields.Many2one(
        "kam.dmu.member",
        string="DMU Member",
        index="btree_not_null",
        ondelete="set null",
        domain="[('partner_id', '=', account_id)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        ondelete="cascade",
        compute="_compute_contact_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('commercial_partner_id', '=', account_id), ('id', '!=', account_id)]",
    )
    function = fields.Char(related="contact_id.function", string="Job Position")
    role_id = fields.Many2one(
        "kam.dmu.role", string="Role in the Deal", required=True, ondelete="restrict"
    )
    is_primary = fields.Boolean(string="Primary Contact")
    # What the account's DMU says of the person, read with the user's rights:
    # empty when the user may not read the member.
    attitude = fields.Selection(ATTITUDES, compute="_compute_member_figures")
    influence = fields.Integer(compute="_compute_member_figures")
    relationship_stage = fields.Selection(
        RELATIONSHIP_STAGES, string="Relationship", compute="_compute_member_figures"
    )
    notes = fields.Char()

    _sql_constraints = [
        (
            "lead_contact_role_unique",
            "UNIQUE(lead_id, contact_id, role_id)",
            "This person already has this role in the deal.",
        ),
    ]

    @api.depends("member_id.attitude", "member_id.influence", "member_id.relationship_stage")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_member_figures(self):
        readable = self.member_id._filtered_access("read")
        for line in self:
            member = line.member_id if line.member_id in readable else line.member_id.browse()
            line.attitude = member.attitude
            line.influence = member.influence
            line.relationship_stage = member.relationship_stage

    @api.depends("member_id")
    def _compute_contact_id(self):
        for line in self:
            if line.member_id:
                line.contact_id = line.member_id.contact_id

    @api.constrains("lead_id", "is_primary")
    def _check_single_primary(self):
        for lead in self.filtered("is_primary").lead_id:
            if len(lead.kam_dmu_line_ids.filtered("is_primary")) > 1:
                raise ValidationError(self.env._(
                    "The deal %(deal)s can have only one primary contact.", deal=lead.name
                ))

    @api.constrains("lead_id", "contact_id", "member_id")
    def _check_contact_of_account(self):
        """Only the people of the deal's client, and their member in its DMU.

        Read as superuser: the message must name what is wrong even when the
        member picked belongs to a DMU the user may not read.
        """
        for line in self.sudo():
            lead = line.lead_id
            account = lead.partner_id.commercial_partner_id
            if not account:
                raise ValidationError(self.env._(
                    "Set the client of %(deal)s before naming the people of its DMU.",
                    deal=lead.name,
                ))
            if line.contact_id == account or line.contact_id.commercial_partner_id != account:
                raise ValidationError(self.env._(
                    "%(person)s is not a person of %(account)s, the client of %(deal)s.",
                    person=line.contact_id.name,
                    account=account.display_name,
                    deal=lead.name,
                ))
            member = line.member_id
            if not member:
                continue
            company = lead.company_id or member.company_id
            if member.partner_id != account or member.company_id != company:
                raise ValidationError(self.env._(
                    "%(person)s is a DMU member of %(other)s, not of %(account)s, the client of "
                    "%(deal)s: pick the person from %(account)s's DMU.",
                    person=member.contact_id.name,
                    other=member.partner_id.display_name,
                    account=account.display_name,
                    deal=lead.name,
                ))
            if member.contact_id != line.contact_id:
                raise ValidationError(self.env._(
                    "The DMU member %(member)s is not %(person)s.",
                    member=member.display_name,
                    person=line.contact_id.name,
                ))

    @api.onchange("contact_id")
    def _onchange_contact_id(self):
        if self.contact_id and self.member_id.contact_id != self.contact_id:
            self.member_id = self.env["kam.dmu.member"].search([
                ("partner_id", "=", self.account_id.id),
                ("contact_id", "=", self.contact_id.id),
                ("company_id", "=", (self.lead_id.company_id or self.env.company).id),
            ], limit=1)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._sync_account_members()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if {"contact_id", "lead_id", "member_id"} & set(vals):
            self._sync_account_members()
        return result

    def _kam_owner_account(self):
        return self.sudo().lead_id.partner_id.commercial_partner_id

    def _sync_account_members(self):
        """Link each line to the account's DMU member of its person, creating it if needed.

        What is learnt about the client's people on a deal is filed in the
        account's DMU. The existing member is looked up as superuser (it may be
        archived), but a new one is created with the user's rights: only who
        may write the account's DMU adds people to it.
        """
        Member = self.env["kam.dmu.member"]
        todo = self.filtered(lambda line: not line.member_id and line.lead_id.partner_id)
        if not todo:
            return
        accounts = todo.lead_id.partner_id.commercial_partner_id
        existing = Member.sudo().with_context(active_test=False).search([
            ("partner_id", "in", accounts.ids),
            ("contact_id", "in", todo.contact_id.ids),
        ])
        by_key = {(m.partner_id, m.contact_id, m.company_id): m for m in existing}
        for line in todo:
            account = line.lead_id.partner_id.commercial_partner_id
            company = line.lead_id.company_id or self.env.company
            key = (account, line.contact_id, company)
            member = by_key.get(key)
            if not member:
                member = Member.create({
                    "partner_id": account.id,
                    "contact_id": line.contact_id.id,
                    "company_id": company.id,
                    "role_ids": [fields.Command.link(line.role_id.id)],
                })
                by_key[key] = member
            line.sudo().member_id = member
