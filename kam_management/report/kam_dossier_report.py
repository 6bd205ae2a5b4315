# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class ReportKamDossier(models.AbstractModel):
    """Values of the printable dossier: the same sections as the workbook."""

    _name = "report.kam_management.report_kam_dossier"
    _description = "Key Account Dossier Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        Export = self.env["kam.export"]
        sections = Export._kam_dossier_data(partners)
        today = fields.Date.context_today(self)
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners.commercial_partner_id,
            "sections": sections,
            "selection": Export._kam_selection,
            "today": today,
        }
