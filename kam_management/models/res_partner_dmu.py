# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.osv import expression

from ..rules.dmu import next_occurrence


class ResPartner(models.Model):
    """The people of a key account (SPEC §2): DMU, dossier, relationship map.

    The birthday, hobbies, family, values, gift preferences and personal dates
    of a person live on ``kam.person.profile``, whose record rules give them
    to the team of an account where the person is in the DMU and to that
    company's KAM managers, through the person's DMU memberships below."""

    _inherit = "res.partner"

    kam_dmu_membership_ids = fields.One2many(
        "kam.dmu.member", "contact_id", string="DMU Memberships", copy=False,
        context={"active_test": False}, groups="kam_management.group_kam_user",
        help="The DMUs this person is in (archived memberships included).",
    )

    # DMU and dossier of the key account (the commercial entity)
    kam_dmu_member_ids = fields.One2many(
        "kam.dmu.member", "partner_id", string="DMU Members", copy=False,
        groups="kam_management.group_kam_user",
    )
    kam_dmu_member_count = fields.Integer(
        string="DMU", compute="_compute_kam_dmu_member_count",
        groups="kam_management.group_kam_user",
    )
    kam_dossier_ids = fields.One2many(
        "kam.dossier", "partner_id", string="Dossiers", copy=False,
        groups="kam_management.group_kam_user",
    )

    @api.depends_context("company", "uid")
    def _compute_kam_dmu_member_count(self):
        counts = dict(self.env["kam.dmu.member"]._read_group(
            [("partner_id", "in", self.ids), ("company_id", "=", self.env.company.id)],
            ["partner_id"], ["__count"],
        ))
        for partner in self:
            partner.kam_dmu_member_count = counts.get(partner, 0)

    def action_open_kam_dossier(self):
        """Open the account's dossier in the current company, created on first use."""
        self.ensure_one()
        self._kam_check_owned(self.env._("open its dossier"))
        dossier = self.env["kam.dossier"]._kam_get_or_create(self.commercial_partner_id)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dossier"),
            "res_model": "kam.dossier",
            "res_id": dossier.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_kam_open_dmu(self):
        self.ensure_one()
        self._kam_check_owned(self.env._("open its decision-making unit"))
        return self._kam_account_action("kam_management.kam_dmu_member_action")

    def action_kam_open_relationship_map(self):
        self.ensure_one()
        self._kam_check_owned(self.env._("open its relationship map"))
        return self.commercial_partner_id._kam_relationship_map_action()

    def _kam_relationship_map_action(self):
        """Client action drawing the DMU of this key account (static/src/relationship_map)."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "kam_relationship_map",
            "name": self.env._("Relationship Map: %(account)s", account=self.display_name),
            "params": {"partner_id": self.id},
            "context": {"active_id": self.id, "active_model": "res.partner"},
        }

    def action_kam_open_person_profile(self):
        """Open the personal profile of this person, created on first use.

        Only for a person in a DMU the user works on (``kam.person.profile``
        refuses the others with a clear error).
        """
        self.ensure_one()
        profile = self.env["kam.person.profile"]._kam_for_partners(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Personal Profile"),
            "res_model": "kam.person.profile",
            "res_id": profile.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.model
    def _kam_greeting_dates(self, date_from, date_to, accounts=None, company=None):
        """Birthdays and personal dates of the DMU people of key accounts in a window.

        For the greeting reminders of the communication plan: a list of dicts
        ``{"partner_id", "account_id", "member_id", "date", "occasion", "kind"}``
        (kind is ``birthday`` or ``personal``) whose next occurrence from
        ``date_from`` falls on or before ``date_to``, one per active DMU
        membership (the reminder belongs on it: its readers are the readers
        of the profile). ``accounts`` limits the search to these accounts
        (default: every key account), ``company`` to the DMUs of one of our
        companies. Reads as superuser, in three queries: the caller reminds
        the account's KAM, to whom the profile belongs.
        """
        member_domain = (
            [("partner_id", "in", accounts.ids)] if accounts is not None
            else [("partner_id.kam_status", "=", "key")]
        )
        if company is not None:
            member_domain = expression.AND([member_domain, [("company_id", "=", company.id)]])
        members = self.env["kam.dmu.member"].sudo().search(member_domain)
        profiles = self.env["kam.person.profile"].sudo().search(
            [("partner_id", "in", members.contact_id.ids)]
        )
        profile_of = {profile.partner_id.id: profile for profile in profiles}
        dates = []
        for member in members:
            profile = profile_of.get(member.contact_id.id)
            if not profile:
                continue
            common = {
                "partner_id": member.contact_id.id,
                "account_id": member.partner_id.id,
                "member_id": member.id,
            }
            day = next_occurrence(profile.birthday, date_from, yearly=True)
            if day and day <= date_to:
                dates.append(dict(common, date=day, occasion=self.env._("Birthday"), kind="birthday"))
            for record in profile.personal_date_ids:
                day = next_occurrence(record.date, date_from, yearly=record.yearly)
                if day and day <= date_to:
                    dates.append(dict(common, date=day, occasion=record.name, kind="personal"))
        return sorted(dates, key=lambda item: (item["date"], item["partner_id"], item["member_id"]))
