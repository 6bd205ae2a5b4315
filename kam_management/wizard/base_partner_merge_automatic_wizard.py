# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import models
from odoo.exceptions import AccessError


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Merging moves every record of the merged partners (DMU, dossier,
        contact log...) to the destination and copies their values onto it:
        with key accounts or KAM records involved, that is a KAM Manager's call."""
        Partner = self.env["res.partner"]
        ids = partner_ids.ids if isinstance(partner_ids, models.BaseModel) else partner_ids
        partners = Partner.sudo().browse(ids).exists()
        if len(partners) > 1 and not self.env.su:
            if not Partner._kam_may_manage_identity():
                self._kam_check_merge(partners, dst_partner)
            else:
                # The merged partners are deleted: as for a deletion, a KAM
                # Manager moves the records of their own companies only.
                partners.with_env(self.env)._kam_check_user_companies(
                    set(partners._kam_with_identity().company_id.ids),
                    self.env._("merge"),
                )
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)

    def _kam_check_merge(self, partners, dst_partner):
        """Refuse the merge to a user who is not a KAM Manager when a partner is
        (or belongs to) a key account, or when KAM records would move."""
        names = ", ".join(partners.mapped("display_name"))
        entities = partners.commercial_partner_id
        keyed = entities._kam_with_identity()
        if keyed & partners:
            raise AccessError(self.env._(
                "Only a KAM Manager can merge %(partners)s: %(accounts)s is a key account (status, "
                "KAM, account team or VIP) and the merge would move its records and identity. "
                "Ask a KAM Manager.",
                partners=names,
                accounts=", ".join((keyed & partners).mapped("display_name")),
            ))
        if keyed and len(entities) > 1:
            raise AccessError(self.env._(
                "Only a KAM Manager can merge contacts of %(accounts)s with partners of another "
                "company (%(partners)s). Ask a KAM Manager.",
                partners=names,
                accounts=", ".join(keyed.mapped("display_name")),
            ))
        # The destination keeps its records; the metrics are rebuilt by the recompute.
        sources = partners - dst_partner if dst_partner else partners
        with_records = sources._kam_partners_with_records(skip=("kam.partner.metric",))
        if with_records:
            raise AccessError(self.env._(
                "Only a KAM Manager can merge %(partners)s: %(sources)s has key-account records "
                "(DMU, personal data, dossier, contact log...) that the merge would move to "
                "another partner. Ask a KAM Manager.",
                partners=names,
                sources=", ".join(with_records.mapped("display_name")),
            ))
