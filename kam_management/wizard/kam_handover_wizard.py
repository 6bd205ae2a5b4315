# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import UserError


class KamHandoverWizard(models.TransientModel):
    """Hand a meeting inside a cool-down over to a colleague (SPEC §3 rule 2).

    digest §5.1.2: after a negative contact, no personal contact for two
    weeks — urgent matters go through other people.
    """

    _name = "kam.handover.wizard"
    _description = "Hand Over a Meeting During a Cool-Down"

    event_id = fields.Many2one("calendar.event", string="Meeting", required=True, readonly=True)
    from_user_id = fields.Many2one(related="event_id.user_id", string="From")
    to_user_id = fields.Many2one(
        "res.users",
        string="Colleague",
        required=True,
        domain="[('share', '=', False), ('id', '!=', from_user_id)]",
    )
    warning = fields.Text(compute="_compute_warning")
    include_lines = fields.Boolean(
        string="Also Hand Over Personal Plan Lines",
        default=True,
        help="The personal plan lines of the accounts in cool-down that the user is responsible for "
        "and that fall due during the cool-down go to the colleague too.",
    )

    @api.depends("event_id")
    def _compute_warning(self):
        for wizard in self:
            wizard.warning = wizard.event_id.sudo().kam_cooldown_warning

    def action_confirm(self):
        self.ensure_one()
        event = self.event_id
        from_user, to_user = self.from_user_id, self.to_user_id
        if from_user == to_user:
            raise UserError(self.env._("Choose a colleague other than the organizer."))
        day = event._kam_event_date()
        accounts = event.partner_ids.commercial_partner_id
        cooldowns = self.env["kam.contact.log"].sudo()._kam_active_cooldowns(accounts, day)
        windows = {
            partner_id: until
            for (partner_id, user_id), (_start, until) in cooldowns.items()
            if user_id == from_user.id
        }
        event.write({
            "user_id": to_user.id,
            "partner_ids": [(4, to_user.partner_id.id), (3, from_user.partner_id.id)],
        })
        if self.include_lines and windows:
            lines = self.env["kam.comm.plan.line"].search([
                ("partner_id", "in", list(windows)),
                ("user_id", "=", from_user.id),
                ("is_personal", "=", True),
                ("state", "in", ("planned", "overdue")),
            ]).filtered(lambda line: line.next_due_date and line.next_due_date <= windows[line.partner_id.id])
            lines.write({"user_id": to_user.id})
        event.message_post(body=self.env._(
            "Meeting handed over from %(from_user)s to %(to_user)s during a cool-down after a "
            "negative contact.",
            from_user=from_user.name,
            to_user=to_user.name,
        ))
        return {"type": "ir.actions.act_window_close"}
