# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from ..rules import risk
from .kam_account_health import DECISION_STAMP_FIELDS

DECISIONS = [
    ("continue", "Continue"),
    ("change_conditions", "Change Conditions"),
    ("terminate", "Terminate"),
]


class KamAccountHealth(models.Model):
    """The "consider ending the relationship" review (§7.2), filled in by hand.

    Five flags the KAM ticks, the count and warning ``rules.risk.ending_review``
    derives from them, and a decision stamped with who took it and when
    (tracked in the chatter).
    """

    _inherit = "kam.account.health"

    # "Consider ending the relationship" review (§7.2)
    flag_falling_volumes = fields.Boolean(
        string="Falling Volumes Without Reason", tracking=True,
        help="Purchase volumes fall each time and the client gives no rational reason.",
    )
    flag_loss_conditions = fields.Boolean(
        string="Demands Leading to Losses", tracking=True,
        help="The client keeps insisting on conditions that lead to losses, after "
        "unprofitable ones were already accepted.",
    )
    flag_cost_to_serve = fields.Boolean(
        string="Rising Cost to Serve", tracking=True,
        help="More approval procedures, unconstructive discussions, balancing "
        "opposing factions inside the client.",
    )
    flag_free_work = fields.Boolean(
        string="Forced Free Work", tracking=True,
        help="Work done for free as a trial although the client has seen us at work many times.",
    )
    flag_value_conflict = fields.Boolean(
        string="Conflict With Our Values", tracking=True,
        help="Kickbacks, disrespect or insults, a hidden agenda. The most critical flag.",
    )
    ending_notes = fields.Text(string="Review Notes")
    ending_flag_count = fields.Integer(
        string="Ending Flags", compute="_compute_ending_review", store=True,
    )
    ending_warning = fields.Boolean(
        string="Decide Quickly", compute="_compute_ending_review", store=True,
        help="Three or more flags including a value conflict: decide quickly and do "
        "not waste resources (§7.2).",
    )
    decision = fields.Selection(DECISIONS, string="Decision", tracking=True, copy=False)
    decision_date = fields.Date(string="Decision Date", readonly=True, tracking=True, copy=False)
    decision_user_id = fields.Many2one(
        "res.users", string="Decided By", readonly=True, tracking=True, copy=False,
    )
    decision_notes = fields.Text(string="Decision Notes", copy=False)

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends(
        "flag_falling_volumes", "flag_loss_conditions", "flag_cost_to_serve",
        "flag_free_work", "flag_value_conflict",
    )
    def _compute_ending_review(self):
        for health in self:
            count, warning = risk.ending_review(health._kam_ending_flags())
            health.ending_flag_count = count
            health.ending_warning = warning

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        healths = super().create(vals_list)
        # Only the superuser can give the stamp itself (data files, imports as admin).
        healths.browse([
            health.id for health, vals in zip(healths, vals_list, strict=True)
            if health.decision and not (self.env.su and "decision_user_id" in vals)
        ])._kam_stamp_decision()
        return healths

    def write(self, vals):
        # A decision changed by a user is stamped with that user and today; the
        # superuser may give the stamp itself (imports, data files).
        if "decision" not in vals or (self.env.su and "decision_user_id" in vals):
            return super().write(vals)
        before = {health.id: health.decision for health in self}
        res = super().write(vals)
        self.filtered(lambda health: health.decision != before[health.id])._kam_stamp_decision()
        return res

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _kam_stamp_decision(self):
        """Record who took the decision and when: the current user, today (cleared with it)."""
        decided = self.filtered("decision")
        decided.sudo().write({
            "decision_user_id": self.env.uid, "decision_date": fields.Date.context_today(self),
        })
        (self - decided).sudo().write(dict.fromkeys(DECISION_STAMP_FIELDS, False))

    def _kam_ending_flags(self):
        self.ensure_one()
        return {flag: self[f"flag_{flag}"] for flag in risk.ENDING_FLAGS}
