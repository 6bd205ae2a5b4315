# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Written by the export only: the file is what it made of the data its user may read.
GENERATED_FIELDS = ("file", "filename")


class KamExportWizard(models.TransientModel):
    """Choose accounts and a period, get the dossier or portfolio workbook.

    The wizard and its file belong to the user who made them (a record rule on
    ``create_uid``, for every group): nobody else lists, downloads or replaces
    the workbook. The file is kept in the wizard's own column
    (``attachment=False``), so no attachment outlives it or escapes its rule.
    """

    _name = "kam.export.wizard"
    _description = "Export Key Accounts to Excel"

    export_type = fields.Selection(
        [("dossier", "Dossier Workbook"), ("portfolio", "Portfolio Workbook")],
        string="Export", required=True, default="dossier",
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Accounts",
        domain="[('kam_status', 'in', ('key', 'candidate', 'former'))]",
        help="Dossier: the accounts to export. Portfolio: leave empty for all the accounts "
        "you may see.",
    )
    key_only = fields.Boolean(
        string="Key Accounts Only", default=True,
        help="Portfolio: only key accounts; untick to export every client of the Pareto curve.",
    )
    date_from = fields.Date(
        string="From", default=lambda self: fields.Date.subtract(
            fields.Date.context_today(self), years=1,
        ),
    )
    date_to = fields.Date(string="To", default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True,
    )
    file = fields.Binary(string="File", readonly=True, attachment=False)
    filename = fields.Char(readonly=True)
    state = fields.Selection([("choose", "Choose"), ("done", "Done")], default="choose")

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period ends before it starts."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kam_check_generated_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._kam_check_generated_fields(vals)
        return super().write(vals)

    @api.model
    def _action_open(self, export_type, partners=None):
        """The wizard action, prefilled from a selection of accounts."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Export to Excel"),
            "res_model": "kam.export.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_export_type": export_type,
                "default_partner_ids": (partners or self.env["res.partner"]).commercial_partner_id.ids,
            },
        }

    def action_export(self):
        self.ensure_one()
        Export = self.env["kam.export"].with_company(self.company_id)
        today = fields.Date.to_string(fields.Date.context_today(self))
        if self.export_type == "dossier":
            if not self.partner_ids:
                raise UserError(self.env._("Choose the accounts whose dossier to export."))
            content = Export._kam_build_dossier_workbook(
                self.partner_ids, self.date_from, self.date_to,
            )
            name = self.partner_ids[:1].name if len(self.partner_ids) == 1 else self.env._("accounts")
            filename = self.env._("Dossier %(name)s %(date)s.xlsx", name=name, date=today)
        else:
            content = Export._kam_build_portfolio_workbook(self._portfolio_domain())
            filename = self.env._("Portfolio %(date)s.xlsx", date=today)
        # The file is written by the export alone, on the user's own wizard.
        self.check_access("write")
        self.sudo().write({
            "file": base64.b64encode(content),
            "filename": filename.replace("/", "-"),
            "state": "done",
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Export to Excel"),
        }

    def _portfolio_domain(self):
        domain = [("company_id", "=", self.company_id.id)]
        if self.partner_ids:
            self.env["kam.export"]._kam_check_accounts(self.partner_ids)
            domain.append(("partner_id", "in", self.partner_ids.commercial_partner_id.ids))
        if self.key_only:
            domain.append(("is_key", "=", True))
        return domain

    def _kam_check_generated_fields(self, vals):
        if self.env.su or not any(vals.get(fname) for fname in GENERATED_FIELDS):
            return
        raise AccessError(self.env._(
            "The workbook of an export is made by the Export button only: it cannot be "
            "uploaded or replaced."
        ))
