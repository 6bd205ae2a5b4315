# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .kam_selections import CONTACT_OUTCOMES

ATTITUDES = [
    ("supporter", "Supporter"),
    ("neutral", "Neutral"),
    ("opponent", "Opponent"),
]

# Digest §4.3: get acquainted → build loyalty → turn it into a close, almost
# friendly relationship.
RELATIONSHIP_STAGES = [
    ("unknown", "Unknown"),
    ("acquainted", "Acquainted"),
    ("loyal", "Loyal"),
    ("close", "Close Relationship"),
]

CHANNELS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("meeting", "In Person"),
    ("video", "Video Call"),
    ("messenger", "Messenger"),
    ("letter", "Letter"),
]

# The social styles of Merrill and Reid: a common way to "typify the
# participants of decision groups by character" (digest §4.4).
CHARACTER_TYPES = [
    ("driver", "Driver (results, brevity)"),
    ("analytical", "Analytical (facts, details)"),
    ("amiable", "Amiable (relationships, security)"),
    ("expressive", "Expressive (vision, recognition)"),
]


# Personal fields shown on a member: {member field: field of kam.person.profile}.
PROFILE_FIELDS = {
    "kam_birthday": "birthday",
    "kam_hobbies": "hobbies",
    "kam_family": "family",
    "kam_values": "values",
    "kam_gift_preferences": "gift_preferences",
    "kam_personal_date_ids": "personal_date_ids",
}

# Read as the user, cached per user, written through ``write`` (see below).
PROFILE_FIELD_ATTRS = {"readonly": False, "compute_sudo": False, "depends_context": ("uid",)}


class KamDmuMember(models.Model):
    """A person of a key account's decision-making unit (SPEC §2, digest §4).

    One record per person, per key account, per company of ours: the
    relationship (attitude to us, stage) is ours, the person is the client's.
    """

    _name = "kam.dmu.member"
    _description = "DMU Member"
    # Activities: the greeting reminders of a person land here, where only the
    # account's team and managers read them (an account's activities are public).
    _inherit = ["mail.thread", "mail.activity.mixin", "kam.dossier.item.mixin", "kam.bounds.mixin"]
    _order = "partner_id, influence desc, id"
    _rec_name = "contact_id"
    _rec_names_search = ["contact_id.name", "contact_id.email", "partner_id.name"]
    _check_company_auto = True
    # Bookkeeping written by the contact log does not count as dossier upkeep.
    _kam_dossier_passive_fields = frozenset({"last_contact_date", "last_contact_outcome"})

    partner_id = fields.Many2one(tracking=True)
    contact_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
        help="A contact of the key account.",
    )
    active = fields.Boolean(default=True)
    function = fields.Char(related="contact_id.function", string="Job Position", readonly=False)
    email = fields.Char(related="contact_id.email", readonly=False)
    phone = fields.Char(related="contact_id.phone", readonly=False)
    avatar_128 = fields.Binary(related="contact_id.avatar_128")
    role_ids = fields.Many2many(
        "kam.dmu.role",
        "kam_dmu_member_role_rel",
        "member_id",
        "role_id",
        string="Roles",
    )
    is_decision_maker = fields.Boolean(
        compute="_compute_is_decision_maker", store=True, string="Decision Maker"
    )
    influence = fields.Integer(
        default=3, tracking=True, aggregator="avg",
        help="Weight of this person in the decision, from 1 (none) to 5 (decisive).",
    )
    involvement = fields.Integer(
        string="Involvement / Interest", default=3, aggregator="avg",
        help="How involved in and interested in the purchase this person is, from 1 to 5.",
    )
    attitude = fields.Selection(
        ATTITUDES, default="neutral", required=True, tracking=True,
        help="Attitude to us and our offer.",
    )
    relationship_stage = fields.Selection(
        RELATIONSHIP_STAGES, string="Relationship", default="unknown", required=True,
        tracking=True,
        help="Unknown → acquainted (knows the KAM and our company) → loyal (speaks well of "
        "us, shares information) → close (an almost friendly relationship).",
    )
    influences_member_ids = fields.Many2many(
        "kam.dmu.member",
        "kam_dmu_member_influence_rel",
        "member_id",
        "influenced_id",
        string="Influences",
        domain="[('partner_id', '=', partner_id), ('id', '!=', id)]",
        help="Members of the same account whose decision this person sways.",
    )
    influenced_by_member_ids = fields.Many2many(
        "kam.dmu.member",
        "kam_dmu_member_influence_rel",
        "influenced_id",
        "member_id",
        string="Influenced By",
        domain="[('partner_id', '=', partner_id), ('id', '!=', id)]",
    )
    preferred_channel = fields.Selection(CHANNELS)
    proactive_notifications = fields.Boolean(
        string="Wants Proactive Notifications",
        help="Tell this person about news and problems before they ask; otherwise "
        "they will contact us when they need help.",
    )
    contact_hours = fields.Char(
        string="Allowed Contact Hours", help="For instance: weekdays 9:00–18:00, never after hours."
    )
    character_type = fields.Selection(CHARACTER_TYPES)
    tailoring_notes = fields.Html(
        help="What to stress with this person in proposals and meetings."
    )
    role_tailoring_hint = fields.Text(
        compute="_compute_role_tailoring_hint", string="Role Guidance"
    )
    last_contact_date = fields.Date(tracking=True)
    last_contact_outcome = fields.Selection(CONTACT_OUTCOMES, tracking=True)
    notes = fields.Html()

    # The person's personal profile, read and written with the user's rights
    # (compute_sudo=False, cached per user): whoever reads this member may
    # read the profile, by the record rules of kam.person.profile. Values
    # written here go to the profile (``_kam_write_profiles``), created on
    # first use.
    kam_profile_id = fields.Many2one(
        "kam.person.profile", string="Personal Profile", compute="_compute_kam_profile_id",
        search="_search_kam_profile_id", compute_sudo=False,
    )
    kam_birthday = fields.Date(
        related="kam_profile_id.birthday", string="Birthday", **PROFILE_FIELD_ATTRS,
    )
    kam_hobbies = fields.Text(related="kam_profile_id.hobbies", string="Hobbies", **PROFILE_FIELD_ATTRS)
    kam_family = fields.Text(related="kam_profile_id.family", string="Family", **PROFILE_FIELD_ATTRS)
    kam_values = fields.Text(related="kam_profile_id.values", string="Values", **PROFILE_FIELD_ATTRS)
    kam_gift_preferences = fields.Text(
        related="kam_profile_id.gift_preferences", string="Gift Preferences", **PROFILE_FIELD_ATTRS,
    )
    kam_personal_date_ids = fields.One2many(
        related="kam_profile_id.personal_date_ids", string="Personal Dates", **PROFILE_FIELD_ATTRS,
    )

    _sql_constraints = [
        (
            "contact_account_company_unique",
            "UNIQUE(company_id, partner_id, contact_id)",
            "This person is already a DMU member of this key account: edit the existing "
            "member instead of adding the person twice.",
        ),
    ]

    @api.depends("contact_id.name")
    def _compute_display_name(self):
        for member in self:
            member.display_name = member.contact_id.name or self.env._("New DMU Member")

    @api.depends("contact_id")
    @api.depends_context("uid")
    def _compute_kam_profile_id(self):
        profiles = self.env["kam.person.profile"].search([("partner_id", "in", self.contact_id.ids)])
        profile_of = {profile.partner_id.id: profile.id for profile in profiles}
        for member in self:
            member.kam_profile_id = profile_of.get(member.contact_id.id, False)

    def _search_kam_profile_id(self, operator, value):
        """Members whose person has a profile the user reads (record rules apply)."""
        Profile = self.env["kam.person.profile"]
        if operator in ("=", "!=") and not value:
            readable = Profile._search([])
            people = readable.subselect(SQL.identifier(readable.table, "partner_id"))
            return [("contact_id", "not in" if operator == "=" else "in", people)]
        if operator not in ("in", "="):
            raise UserError(self.env._(
                "DMU members can only be searched by their personal profile with 'is set', "
                "'is not set' or 'is in': search the personal profiles instead."
            ))
        profiles = Profile._search([("id", operator, value)])
        return [("contact_id", "in", profiles.subselect(SQL.identifier(profiles.table, "partner_id")))]

    @api.depends("role_ids.code")
    def _compute_is_decision_maker(self):
        for member in self:
            member.is_decision_maker = "decision_maker" in member.role_ids.mapped("code")

    @api.depends("role_ids.tailoring_hint")
    def _compute_role_tailoring_hint(self):
        for member in self:
            member.role_tailoring_hint = "\n".join(
                f"{role.name}: {role.tailoring_hint}"
                for role in member.role_ids
                if role.tailoring_hint
            )

    @api.constrains("partner_id", "contact_id")
    def _check_contact_of_account(self):
        for member in self:
            contact = member.contact_id
            if member.partner_id.commercial_partner_id != member.partner_id:
                continue  # the mixin tells to use the account itself
            if contact == member.partner_id or contact.commercial_partner_id != member.partner_id:
                raise ValidationError(self.env._(
                    "%(person)s is not a person of %(account)s: a DMU member must be a contact "
                    "whose company is the key account.",
                    person=contact.name,
                    account=member.partner_id.display_name,
                ))

    @api.constrains("influence", "involvement")
    def _check_scales(self):
        for member in self:
            if not 1 <= member.influence <= 5:
                raise ValidationError(self.env._(
                    "The influence of %(person)s must be between 1 and 5.",
                    person=member.contact_id.name,
                ))
            if not 1 <= member.involvement <= 5:
                raise ValidationError(self.env._(
                    "The involvement of %(person)s must be between 1 and 5.",
                    person=member.contact_id.name,
                ))
        self._kam_check_bounds(["influence", "involvement"])

    @api.constrains("partner_id", "influences_member_ids", "influenced_by_member_ids")
    def _check_influence_links(self):
        for member in self:
            for other in member.influences_member_ids | member.influenced_by_member_ids:
                if other == member:
                    raise ValidationError(self.env._(
                        "%(person)s cannot influence themselves.",
                        person=member.contact_id.name,
                    ))
                if other.partner_id != member.partner_id:
                    raise ValidationError(self.env._(
                        "%(person)s and %(other)s belong to different key accounts: influence "
                        "links only join members of the same account.",
                        person=member.contact_id.name,
                        other=other.contact_id.name,
                    ))

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]
        profile_vals_list = [self._kam_pop_profile_values(vals) for vals in vals_list]
        members = super().create(vals_list)
        for member, profile_vals in zip(members, profile_vals_list, strict=True):
            if profile_vals:
                member._kam_write_profiles(profile_vals)
        return members

    def write(self, vals):
        vals = dict(vals)
        profile_vals = self._kam_pop_profile_values(vals)
        result = super().write(vals) if vals or not profile_vals else True
        if profile_vals:
            self._kam_write_profiles(profile_vals)
        return result

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.contact_id and self.contact_id.commercial_partner_id != self.partner_id:
            self.contact_id = False

    def action_open_relationship_map(self):
        self.ensure_one()
        return self.partner_id._kam_relationship_map_action()

    def action_kam_open_profile(self):
        """Open the personal profile of the member's person, created on first use."""
        self.ensure_one()
        return self.contact_id.action_kam_open_person_profile()

    @api.model
    def _kam_pop_profile_values(self, vals):
        """Take the personal fields out of ``vals``: {profile field: value}."""
        return {
            profile_field: vals.pop(member_field)
            for member_field, profile_field in PROFILE_FIELDS.items()
            if member_field in vals
        }

    def _kam_write_profiles(self, profile_vals):
        """Write personal values on the profiles of these members' people, as the user.

        The profile is created on first use; the record rules of
        kam.person.profile decide, as for any other write.
        """
        profiles = self.env["kam.person.profile"]._kam_for_partners(self.contact_id)
        profiles.write(profile_vals)
        self.invalidate_recordset(["kam_profile_id", *PROFILE_FIELDS])

    @api.readonly
    @api.model
    def get_relationship_map_data(self, partner_id):
        """Nodes and edges of an account's DMU for the relationship map.

        Reads as the current user (record rules apply) the active members of
        the account in the current company, in one search and one read of the
        relations, and returns plain values for the OWL client action.
        """
        account = self.env["res.partner"].browse(partner_id).exists()
        if not account:
            return {"account": False, "members": [], "edges": []}
        members = self.search([
            ("partner_id", "=", account.id),
            ("company_id", "=", self.env.company.id),
        ])
        member_ids = set(members.ids)
        attitudes = dict(self._fields["attitude"]._description_selection(self.env))
        stages = dict(self._fields["relationship_stage"]._description_selection(self.env))
        channels = dict(self._fields["preferred_channel"]._description_selection(self.env))
        nodes = []
        edges = []
        for member in members:
            nodes.append({
                "id": member.id,
                "contact_id": member.contact_id.id,
                "name": member.contact_id.name or "",
                "function": member.function or "",
                "roles": [{"name": role.name, "code": role.code or ""} for role in member.role_ids],
                "is_decision_maker": member.is_decision_maker,
                "influence": member.influence,
                "involvement": member.involvement,
                "attitude": member.attitude,
                "attitude_label": attitudes.get(member.attitude, ""),
                "stage": member.relationship_stage,
                "stage_label": stages.get(member.relationship_stage, ""),
                "channel_label": channels.get(member.preferred_channel, ""),
                "last_contact_date": fields.Date.to_string(member.last_contact_date) or "",
                "last_contact_outcome": member.last_contact_outcome or "",
            })
            edges.extend(
                {"source": member.id, "target": target}
                for target in member.influences_member_ids.ids
                if target in member_ids
            )
        return {
            "account": {"id": account.id, "name": account.display_name},
            "members": nodes,
            "edges": edges,
            "attitudes": attitudes,
            "stages": stages,
        }

    @api.readonly
    @api.model
    def get_relationship_map_accounts(self):
        """Accounts with a DMU in the current company, for the map's account picker."""
        groups = self._read_group(
            [("company_id", "=", self.env.company.id)], ["partner_id"], ["__count"],
            order="partner_id",
        )
        return [
            {"id": partner.id, "name": partner.display_name, "count": count}
            for partner, count in groups
        ]
