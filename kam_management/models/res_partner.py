# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models
from odoo.tools import SQL


class ResPartner(models.Model):
    """The key-account additions to res.partner: the base.

    The helpers the other concerns share: the account's records, the commercial
    entities, the current company's metrics. The concerns live in their own
    files (the daily identification is the ``kam.identification`` service):
    ``res_partner_identity.py`` (identity and its trust guards),
    ``res_partner_lifecycle.py`` (client-base block),
    ``res_partner_metrics.py``, ``res_partner_risk.py``, ``res_partner_plan.py``,
    ``res_partner_dmu.py``, ``res_partner_communication.py``,
    ``res_partner_cockpit.py`` and ``res_partner_vip.py``.
    """

    # The mixin refuses writes of the kam_ figures computed here and in the
    # other res_partner_* files (share, margin, risk, compliance...): they are
    # derived, a write would be dropped.
    _name = "res.partner"
    _inherit = ["res.partner", "kam.derived.fields.mixin"]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _kam_account_action(self, xmlid, defaults=True, **context):
        """The window action ``xmlid`` on the records of this partner's key
        account (its commercial entity): filtered on the account, new records
        made for it (``defaults``), with the extra ``context`` keys.

        The stat buttons and menus of the partner form open the account's
        records this way, from the account or from any of its contacts.
        """
        self.ensure_one()
        account = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "=", account.id)]
        action["context"] = {"default_partner_id": account.id, **context} if defaults else context
        return action

    def _kam_form_action(self):
        """The form of this partner (from a list of its health, dashboard row...)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.id,
            "view_mode": "form",
        }


    @api.model
    def _kam_commercial_domain(self):
        """Commercial entities only: their contacts carry a synced copy of the
        key-account fields, which must not be counted twice."""
        return ["|", ("is_company", "=", True), ("parent_id", "=", False)]

    def _kam_current_metrics(self, fnames, sudo=False):
        """{commercial partner id: metric} of the current company, one query."""
        Metric = self.env["kam.partner.metric"]
        if sudo:
            Metric = Metric.sudo()
        partner_ids = [pid for pid in self.commercial_partner_id._origin.ids if pid]
        if not partner_ids:
            return {}
        metrics = Metric.search_fetch(
            [("partner_id", "in", partner_ids), ("company_id", "=", self.env.company.id)],
            ["partner_id", *fnames],
        )
        return {metric.partner_id.id: metric for metric in metrics}

    @api.model
    def _kam_dependency_subquery(self, levels):
        return SQL(
            """(SELECT p.id
                  FROM res_partner p
                  JOIN kam_partner_metric m ON m.partner_id = p.commercial_partner_id
                 WHERE m.company_id = %s AND m.dependency_level = ANY(%s))""",
            self.env.company.id,
            list(levels),
        )
