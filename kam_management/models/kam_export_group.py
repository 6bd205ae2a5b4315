# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models

from ..report.kam_xlsx import Column


class KamExportGroup(models.AbstractModel):
    """The group of an account in its dossier: a "Group" sheet in the workbook
    and a "Group" section in the PDF, with the group's companies and figures."""

    _inherit = "kam.export"

    @api.model
    def _kam_dossier_data(self, partners, date_from=None, date_to=None):
        """Adds ``group_lines`` (the ``kam.group.report`` rows of the account's
        group in the current company, read through the record rules) and
        ``group_figures`` (the group's totals, only for a user who works on
        the group) to each account's entry."""
        data = super()._kam_dossier_data(partners, date_from, date_to)
        accounts = self.env["res.partner"].browse(list(data))
        groups = accounts.kam_group_id
        company = self.env.company
        lines = self.env["kam.group.report"]._kam_group_rows(groups, company)
        visible = self.env["kam.account.owned.mixin"]._kam_owned_accounts(groups)
        figures = self.env["res.partner"]._kam_group_figures(visible, company) if visible else {}
        for account in accounts:
            group = account.kam_group_id
            entry = data[account.id]
            entry["group_lines"] = lines.filtered(lambda line, group=group: line.group_id == group)
            entry["group_figures"] = figures.get(group.id) if group in visible else None
            if len(entry["group_lines"]) < 2 and not entry["group_figures"]:
                entry["group_lines"] = lines.browse()
        return data

    def _kam_dossier_sheets(self, entries):
        return [
            *super()._kam_dossier_sheets(entries),
            (self.env._("Group"), self._kam_group_columns(), self._kam_group_rows(entries)),
        ]

    def _kam_group_columns(self):
        return [
            Column("partner", self.env._("Account"), "text", 26),
            Column("group", self.env._("Group"), "text", 26),
            Column("company", self.env._("Company"), "text", 26),
            Column("parent", self.env._("Parent Company"), "text", 26),
            Column("status", self.env._("Key-Account Status"), "text", 14),
            Column("kam", self.env._("Company's KAM"), "text", 20),
            Column("ordered", self.env._("Ordered Revenue"), "money", 15),
            Column("invoiced", self.env._("Invoiced Revenue"), "money", 15),
            Column("margin", self.env._("Gross Margin"), "money", 15),
            Column("share", self.env._("Share"), "percent", 9),
            Column("group_part", self.env._("Part of the Group"), "percent", 11),
            Column("dependency", self.env._("Dependency"), "text", 12),
            Column("orders", self.env._("Orders"), "int", 8),
        ]

    def _kam_group_rows(self, entries):
        """One row per company of the account's group, then the group's total
        (when the user works on the group)."""
        for entry in entries:
            account = entry["partner"].display_name
            lines = entry.get("group_lines") or []
            for line in lines:
                yield {
                    "partner": account,
                    "group": line.group_id.display_name,
                    "company": line.partner_id.display_name,
                    "parent": line.parent_id.display_name or None,
                    "status": self._kam_selection(line, "kam_status"),
                    "kam": line.kam_user_id.name or None,
                    "ordered": line.ordered_revenue,
                    "invoiced": line.invoiced_revenue,
                    "margin": line.margin,
                    "share": line.share,
                    "group_part": line.group_part,
                    "dependency": self._kam_selection(line, "dependency_level"),
                    "orders": line.order_count,
                }
            figures = entry.get("group_figures")
            if figures and lines:
                group = lines[:1].group_id
                yield {
                    "partner": account,
                    "group": group.display_name,
                    "company": self.env._("Group total (%(count)s companies)", count=figures["member_count"]),
                    "ordered": figures["ordered_revenue"],
                    "invoiced": figures["invoiced_revenue"],
                    "margin": figures["margin"],
                    "share": figures["share"],
                    "group_part": 100.0,
                    "dependency": dict(
                        self.env["kam.group.report"]._fields["dependency_level"]._description_selection(self.env)
                    ).get(figures["dependency_level"]),
                    "orders": figures["order_count"],
                }
