# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models
from odoo.exceptions import AccessError


class KamSharedConfigMixin(models.AbstractModel):
    """KAM configuration that is either one company's own or shared by every company.

    A record without a company (or a model without a company field, such as
    the DMU roles) applies in every company, so the manager of one company
    must not change what the other companies work with: only a KAM Manager
    who has access to every company creates, changes or deletes shared
    configuration. Records of one company follow the multi-company record
    rules (their managers edit them).
    """

    _name = "kam.shared.config.mixin"
    _description = "KAM Configuration Shared Between Companies"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._kam_check_shared_config()
        return records

    def write(self, vals):
        # Before: changing a shared record; after: making a record shared.
        self._kam_check_shared_config()
        result = super().write(vals)
        self._kam_check_shared_config()
        return result

    def unlink(self):
        self._kam_check_shared_config()
        return super().unlink()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _kam_shared_records(self):
        """The records of ``self`` that apply in every company."""
        if "company_id" not in self._fields:
            return self
        return self.sudo().filtered(lambda record: not record.company_id).with_env(self.env)

    def _kam_check_shared_config(self):
        if self.env.su:
            return
        shared = self._kam_shared_records()
        if not shared:
            return
        companies = self.env["res.company"].sudo().search([])
        if not companies - self.env.user.company_ids:
            return
        records = ", ".join(shared.sudo().mapped("display_name"))
        if "company_id" in self._fields:
            raise AccessError(self.env._(
                "%(records)s is shared by every company: only a KAM Manager with access to all "
                "the companies can create, change or delete it. Create a record of your own "
                "company instead, or ask such a manager.",
                records=records,
            ))
        raise AccessError(self.env._(
            "%(records)s is configuration shared by every company: only a KAM Manager with "
            "access to all the companies can create, change or delete it.",
            records=records,
        ))
