# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Digest §7.4: the three ways competitors end up at the same client.
SITUATIONS = [
    ("joint_team", "Joint Team Imposed by the Client"),
    ("competition", "Real Competition"),
    ("push_out", "Invited to Push Us Out"),
]


class KamCompetitorPresence(models.Model):
    """A competitor present at a key account, as recorded in its dossier.

    The situation type matters more than the name: a joint team imposed by
    the client is a dead end, real competition is fine while each supplier
    keeps its own piece, and a competitor invited to push us out calls for a
    decision (digest §7.4).
    """

    _name = "kam.competitor.presence"
    _description = "Competitor at a Key Account"
    # bounds: NaN cannot even be rounded to the share's digits (a crash, not a message)
    _inherit = ["kam.dossier.item.mixin", "kam.bounds.mixin"]
    _order = "date desc, id desc"
    _rec_names_search = ["competitor_id.name", "partner_id.name"]
    _check_company_auto = True

    competitor_id = fields.Many2one(
        "res.partner",
        string="Competitor",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('is_company', '=', True), ('id', '!=', partner_id)]",
    )
    supplies = fields.Char(string="What They Supply")
    share = fields.Float(
        string="Share (%)", digits=(16, 1),
        help="Estimated share of the client's purchases in our field that goes to this competitor.",
    )
    situation = fields.Selection(SITUATIONS, string="Situation", required=True, default="competition")
    notes = fields.Text()
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.depends("competitor_id", "partner_id")
    def _compute_display_name(self):
        for presence in self:
            presence.display_name = self.env._(
                "%(competitor)s at %(account)s",
                competitor=presence.competitor_id.display_name or "",
                account=presence.partner_id.display_name or "",
            )

    @api.constrains("share")
    def _check_share(self):
        for presence in self:
            if not 0 <= presence.share <= 100:
                raise ValidationError(self.env._(
                    "The share of %(competitor)s must be between 0 and 100 %%.",
                    competitor=presence.competitor_id.display_name,
                ))

    @api.constrains("competitor_id", "partner_id")
    def _check_competitor(self):
        for presence in self:
            if presence.competitor_id.commercial_partner_id == presence.partner_id:
                raise ValidationError(self.env._(
                    "%(account)s cannot be its own competitor.",
                    account=presence.partner_id.display_name,
                ))
