# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date


class KamPersonProfile(models.Model):
    """The personal side of a person of key accounts (SPEC §2, digest §3.3).

    Birthday, hobbies, family, values, gift preferences and personal dates
    belong to the team of an account where the person is in the DMU, and to
    the KAM managers of that company: the record rules follow the person's
    DMU memberships (``partner_id.kam_dmu_membership_ids``), which field
    groups on res.partner cannot express. No chatter and no tracking, so none
    of it is copied into messages a wider audience reads.
    """

    _name = "kam.person.profile"
    _description = "Personal Profile"
    _inherit = ["kam.derived.fields.mixin"]
    _order = "partner_id, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        ondelete="cascade",
        help="The person these personal data describe: one profile per person.",
    )
    birthday = fields.Date()
    hobbies = fields.Text()
    family = fields.Text()
    values = fields.Text()
    gift_preferences = fields.Text(
        help="What would please this person: ask them rather than send a generic gift.",
    )
    personal_date_ids = fields.One2many("kam.personal.date", "profile_id", string="Personal Dates")
    # Why the reader may see this profile: the DMU memberships they can read.
    dmu_member_ids = fields.One2many(
        related="partner_id.kam_dmu_membership_ids", string="DMU Memberships", compute_sudo=False,
    )

    _sql_constraints = [
        (
            "partner_unique",
            "UNIQUE(partner_id)",
            "This person already has a personal profile: open it from their DMU membership "
            "instead of creating a second one.",
        ),
    ]

    @api.constrains("birthday")
    def _check_birthday(self):
        today = fields.Date.context_today(self)
        for profile in self:
            if profile.birthday and profile.birthday > today:
                raise ValidationError(self.env._(
                    "The birthday of %(person)s cannot be in the future (%(date)s).",
                    person=profile.partner_id.display_name,
                    date=format_date(self.env, profile.birthday),
                ))

    @api.model_create_multi
    def create(self, vals_list):
        # Refused before the insert: the uniqueness error would otherwise tell
        # a stranger that the person has a profile.
        self.browse().check_access("create")
        partner_ids = {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        self._kam_check_reachable(self.env["res.partner"].browse(partner_ids))
        return super().create(vals_list)

    def write(self, vals):
        if "partner_id" in vals and any(profile.partner_id.id != vals["partner_id"] for profile in self):
            raise UserError(self.env._(
                "A personal profile belongs to its person and cannot be moved to another "
                "contact: open or create the profile of the other person instead."
            ))
        return super().write(vals)

    @api.model
    def _kam_for_partners(self, partners):
        """The profiles of ``partners``, created for the people without one.

        With the user's rights: only for people in a DMU the user works on.
        """
        partners = partners.exists()
        self._kam_check_reachable(partners)
        existing = self.sudo().search([("partner_id", "in", partners.ids)])
        created = self.create([{"partner_id": partner.id} for partner in partners - existing.partner_id])
        return self.browse(existing.ids) | created

    @api.model
    def _kam_check_reachable(self, partners):
        """Refuse the people none of whose DMU memberships the user reads.

        The same condition as the record rules (a member is readable by the
        team of its account and the KAM managers of its company), with an
        error that says what to do.
        """
        if self.env.su or not partners:
            return
        self.browse().check_access("read")
        reachable = self.env["kam.dmu.member"].with_context(active_test=False).search(
            [("contact_id", "in", partners.ids)]
        ).contact_id
        refused = partners - reachable
        if refused:
            named = refused._filtered_access("read")
            people = named.mapped("display_name") + [f"#{partner.id}" for partner in refused - named]
            raise AccessError(self.env._(
                "The personal data of %(people)s belong to the team of an account where they "
                "are in the DMU, and to that company's KAM managers: add the person to the DMU "
                "of one of your key accounts first.",
                people=", ".join(people),
            ))
