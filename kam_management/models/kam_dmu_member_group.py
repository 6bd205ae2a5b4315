# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models


class KamDmuMemberGroup(models.Model):
    """The relationship map of a group account shows its companies: the DMU of
    each subsidiary, branch or division is one click away."""

    _inherit = "kam.dmu.member"

    @api.readonly
    @api.model
    def get_relationship_map_data(self, partner_id):
        data = super().get_relationship_map_data(partner_id)
        account = self.env["res.partner"].browse(partner_id).exists()
        data["group"] = account._kam_map_group() if account else False
        return data

