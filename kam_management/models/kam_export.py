# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import os
import tempfile

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, html2plaintext, is_html_empty

from ..report.kam_xlsx import Column, build_dossier_workbook, build_portfolio_workbook
from ..rules.shares import portfolio_state
from .kam_dossier import CHECKABLE_FIELDS as BUSINESS_FIELDS

READ_BATCH = 1000


class KamExport(models.AbstractModel):
    """Data of the dossier workbook, the portfolio workbook and the PDF dossier.

    Everything is read through the caller's environment, never ``sudo``: the
    record rules decide what a KAM exports, and ``_kam_check_accounts`` refuses
    accounts that are not theirs before anything is read.
    """

    _name = "kam.export"
    _description = "Key Account Exports"

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    @api.model
    def _kam_check_accounts(self, partners):
        """Raise unless the user may read the KAM data of all these accounts."""
        partners = partners.commercial_partner_id
        user = self.env.user
        if self.env.su or user.has_group("kam_management.group_kam_manager"):
            return partners
        if not user.has_group("kam_management.group_kam_user"):
            raise AccessError(self.env._("Only key account managers can export key accounts."))
        forbidden = partners.filtered(
            lambda partner: partner.kam_user_id != user and user not in partner.kam_team_user_ids
        )
        if forbidden:
            raise AccessError(self.env._(
                "You can only export the key accounts you manage or whose team you are in. "
                "Not yours: %(accounts)s",
                accounts=", ".join(forbidden.mapped("display_name")),
            ))
        return partners

    # ------------------------------------------------------------------
    # Dossier: one or many accounts
    # ------------------------------------------------------------------

    @api.model
    def _kam_dossier_data(self, partners, date_from=None, date_to=None):
        """Per account: the records of each dossier section, read with the user's rights.

        ``{partner_id: {"partner", "dossier", "health", "metric", "dmu", "plans",
        "contacts", "competitors"}}`` (empty recordsets where nothing exists).
        The period limits the contact log and the plans (overlapping it).
        """
        partners = self._kam_check_accounts(partners)
        company = self.env.company
        account_domain = [("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
        plan_domain = list(account_domain)
        contact_domain = list(account_domain)
        if date_from:
            plan_domain.append(("date_to", ">=", date_from))
            contact_domain.append(("date", ">=", date_from))
        if date_to:
            plan_domain.append(("date_from", "<=", date_to))
            contact_domain.append(("date", "<=", date_to))
        sections = {
            "dossier": ("kam.dossier", account_domain),
            "health": ("kam.account.health", account_domain),
            "metric": ("kam.partner.metric", account_domain),
            "dmu": ("kam.dmu.member", account_domain),
            "plans": ("kam.account.plan", plan_domain),
            "contacts": ("kam.contact.log", contact_domain),
            "competitors": ("kam.competitor.presence", account_domain),
        }
        data = {
            partner.id: dict(
                {key: self.env[model] for key, (model, _domain) in sections.items()},
                partner=partner,
            )
            for partner in partners
        }
        for key, (model, domain) in sections.items():
            for record in self.env[model].search(domain):
                data[record.partner_id.id][key] |= record
        return data

    @api.model
    def _kam_build_dossier_workbook(self, partners, date_from=None, date_to=None):
        """The dossier workbook of these accounts, as bytes.

        Sheets: Summary, Business, DMU, Plan, Contacts, Competitors, Metrics
        (the four parts of the client card), then Feedback and Referrals
        (``kam_export_growth``); one table each, with the account
        in the first column so that several accounts can be filtered.
        """
        data = self._kam_dossier_data(partners, date_from, date_to)
        sheets = self._kam_dossier_sheets(list(data.values()))
        return self._kam_write_file(lambda path, tmpdir: build_dossier_workbook(
            path, sheets, tmpdir=tmpdir,
        ))

    def _kam_dossier_sheets(self, entries):
        """The ``(name, columns, rows)`` of each sheet of the dossier workbook."""
        return [
            (self.env._("Summary"), self._kam_summary_columns(), self._kam_summary_rows(entries)),
            (self.env._("Business"), self._kam_business_columns(),
             self._kam_business_rows(entries)),
            (self.env._("DMU"), self._kam_dmu_columns(), self._kam_dmu_rows(entries)),
            (self.env._("Plan"), self._kam_plan_columns(), self._kam_plan_rows(entries)),
            (self.env._("Contacts"), self._kam_contact_columns(), self._kam_contact_rows(entries)),
            (self.env._("Competitors"), self._kam_competitor_columns(),
             self._kam_competitor_rows(entries)),
            (self.env._("Metrics"), self._kam_metric_columns(), self._kam_metric_rows(entries)),
        ]

    def _kam_summary_columns(self):
        return [
            Column("partner", self.env._("Account"), "text", 30),
            Column("kam", self.env._("Key Account Manager"), "text", 22),
            Column("team", self.env._("Account Team"), "text", 26),
            Column("status", self.env._("Status"), "text", 14),
            Column("key_since", self.env._("Key Since"), "date", 12),
            Column("types", self.env._("Types"), "text", 24),
            Column("vip", self.env._("VIP"), "bool", 6),
            Column("industry", self.env._("Industry"), "text", 20),
            Column("completeness", self.env._("Dossier Completeness"), "percent", 12),
            Column("dossier_update", self.env._("Dossier Updated"), "datetime", 16),
            Column("risk_score", self.env._("Risk Score"), "percent", 10),
            Column("risk_level", self.env._("Risk"), "text", 10),
            Column("risk_reasons", self.env._("Risk Reasons"), "wrap", 60),
            Column("ending_flags", self.env._("Ending Flags"), "int", 10),
            Column("decision", self.env._("Decision"), "text", 18),
            Column("decision_date", self.env._("Decision Date"), "date", 12),
            Column("note", self.env._("Internal Note"), "wrap", 60),
        ]

    def _kam_summary_rows(self, entries):
        for entry in entries:
            partner, dossier, health = entry["partner"], entry["dossier"][:1], entry["health"][:1]
            yield {
                "partner": partner.display_name,
                "kam": partner.kam_user_id.name,
                "team": ", ".join(partner.kam_team_user_ids.mapped("name")),
                "status": self._kam_selection(partner, "kam_status"),
                "key_since": partner.kam_key_since,
                "types": ", ".join(partner.kam_type_ids.mapped("name")),
                "vip": partner.kam_is_vip,
                "industry": partner.industry_id.name,
                "completeness": dossier.completeness if dossier else None,
                "dossier_update": dossier.last_update if dossier else None,
                "risk_score": health.risk_score if health else None,
                "risk_level": self._kam_selection(health, "risk_level"),
                "risk_reasons": health.risk_reasons if health else None,
                "ending_flags": health.ending_flag_count if health else None,
                "decision": self._kam_selection(health, "decision"),
                "decision_date": health.decision_date if health else None,
                "note": self._kam_plain_text(partner.comment),
            }

    def _kam_business_columns(self):
        """The business part of the client card (digest §3.2), from the dossier."""
        Dossier = self.env["kam.dossier"]
        columns = [Column("partner", self.env._("Account"), "text", 30)]
        kinds = {"date": "date", "integer": "int", "monetary": "money", "html": "wrap"}
        widths = {"wrap": 50, "money": 16}
        for fname in BUSINESS_FIELDS:
            field = Dossier._fields[fname]
            kind = kinds.get(field.type, "text")
            columns.append(Column(
                fname, field._description_string(self.env), kind, widths.get(kind, 18),
            ))
        return columns

    def _kam_business_rows(self, entries):
        for entry in entries:
            dossier = entry["dossier"][:1]
            row = {"partner": entry["partner"].display_name}
            if dossier:
                for fname in BUSINESS_FIELDS:
                    field = dossier._fields[fname]
                    value = dossier[fname]
                    if field.type == "many2one":
                        value = value.display_name
                    elif field.type == "selection":
                        value = self._kam_selection(dossier, fname)
                    elif field.type == "html":
                        value = self._kam_plain_text(value)
                    row[fname] = value
            yield row

    @api.model
    def _kam_plain_text(self, html):
        """Rich text as the plain text a spreadsheet cell holds."""
        return None if is_html_empty(html) else html2plaintext(html)

    def _kam_dmu_columns(self):
        return [
            Column("partner", self.env._("Account"), "text", 26),
            Column("contact", self.env._("Person"), "text", 24),
            Column("function", self.env._("Job Position"), "text", 20),
            Column("roles", self.env._("Roles"), "text", 26),
            Column("influence", self.env._("Influence"), "int", 9),
            Column("involvement", self.env._("Involvement"), "int", 11),
            Column("attitude", self.env._("Attitude"), "text", 12),
            Column("stage", self.env._("Relationship"), "text", 12),
            Column("channel", self.env._("Preferred Channel"), "text", 14),
            Column("hours", self.env._("Contact Hours"), "text", 14),
            Column("last_contact", self.env._("Last Contact"), "date", 12),
            Column("last_outcome", self.env._("Last Outcome"), "text", 12),
        ]

    def _kam_dmu_rows(self, entries):
        for entry in entries:
            for member in entry["dmu"]:
                yield {
                    "partner": entry["partner"].display_name,
                    "contact": member.contact_id.name,
                    "function": member.function,
                    "roles": ", ".join(member.role_ids.mapped("name")),
                    "influence": member.influence,
                    "involvement": member.involvement,
                    "attitude": self._kam_selection(member, "attitude"),
                    "stage": self._kam_selection(member, "relationship_stage"),
                    "channel": self._kam_selection(member, "preferred_channel"),
                    "hours": member.contact_hours,
                    "last_contact": member.last_contact_date,
                    "last_outcome": self._kam_selection(member, "last_contact_outcome"),
                }

    def _kam_plan_columns(self):
        return [
            Column("partner", self.env._("Account"), "text", 26),
            Column("plan", self.env._("Plan"), "text", 30),
            Column("date_from", self.env._("From"), "date", 12),
            Column("date_to", self.env._("To"), "date", 12),
            Column("state", self.env._("Status"), "text", 10),
            Column("line_type", self.env._("Line"), "text", 12),
            Column("name", self.env._("Objective / Purpose / Review"), "wrap", 40),
            Column("target", self.env._("Target"), "float", 12),
            Column("actual", self.env._("Actual"), "float", 12),
            Column("unit", self.env._("Unit"), "text", 10),
            Column("progress", self.env._("Progress"), "percent", 10),
            Column("amount", self.env._("Budget"), "money", 14),
            Column("rating", self.env._("Rating"), "text", 14),
            Column("comment", self.env._("Head of KAM Comment"), "wrap", 40),
        ]

    def _kam_plan_rows(self, entries):
        for entry in entries:
            for plan in entry["plans"]:
                base = {
                    "partner": entry["partner"].display_name,
                    "plan": plan.name,
                    "date_from": plan.date_from,
                    "date_to": plan.date_to,
                    "state": self._kam_selection(plan, "state"),
                }
                for objective in plan.objective_ids:
                    yield dict(
                        base, line_type=self.env._("Objective"), name=objective.name,
                        target=objective.target, actual=objective.actual, unit=objective.unit,
                        progress=objective.progress,
                    )
                for line in plan.budget_line_ids:
                    yield dict(base, line_type=self.env._("Budget"), name=line.name, amount=line.amount)
                for review in plan.review_ids:
                    yield dict(
                        base, line_type=self.env._("Review"), name=review.interim_results,
                        rating=self._kam_selection(review, "rating"),
                        comment=review.manager_comment, date_to=review.date,
                    )

    def _kam_contact_columns(self):
        return [
            Column("partner", self.env._("Account"), "text", 26),
            Column("date", self.env._("Date"), "date", 12),
            Column("channel", self.env._("Channel"), "text", 14),
            Column("personal", self.env._("Personal"), "bool", 9),
            Column("outcome", self.env._("Outcome"), "text", 10),
            Column("contacts", self.env._("People"), "text", 26),
            Column("users", self.env._("Our Team"), "text", 22),
            Column("summary", self.env._("Summary"), "wrap", 60),
        ]

    def _kam_contact_rows(self, entries):
        for entry in entries:
            for log in entry["contacts"]:
                yield {
                    "partner": entry["partner"].display_name,
                    "date": log.date,
                    "channel": self._kam_selection(log, "channel"),
                    "personal": log.is_personal,
                    "outcome": self._kam_selection(log, "outcome"),
                    "contacts": ", ".join(log.contact_ids.mapped("name")),
                    "users": ", ".join(log.user_ids.mapped("name")),
                    "summary": log.summary,
                }

    def _kam_competitor_columns(self):
        return [
            Column("partner", self.env._("Account"), "text", 26),
            Column("competitor", self.env._("Competitor"), "text", 24),
            Column("supplies", self.env._("What They Supply"), "text", 26),
            Column("share", self.env._("Their Share"), "percent", 11),
            Column("situation", self.env._("Situation"), "text", 26),
            Column("date", self.env._("Date"), "date", 12),
            Column("notes", self.env._("Notes"), "wrap", 50),
        ]

    def _kam_competitor_rows(self, entries):
        for entry in entries:
            for presence in entry["competitors"]:
                yield {
                    "partner": entry["partner"].display_name,
                    "competitor": presence.competitor_id.name,
                    "supplies": presence.supplies,
                    "share": presence.share,
                    "situation": self._kam_selection(presence, "situation"),
                    "date": presence.date,
                    "notes": presence.notes,
                }

    def _kam_metric_columns(self):
        return [
            Column("partner", self.env._("Account"), "text", 26),
            Column("invoiced", self.env._("Invoiced Revenue"), "money", 15),
            Column("ordered", self.env._("Ordered Revenue"), "money", 15),
            Column("margin", self.env._("Gross Margin"), "money", 15),
            Column("share", self.env._("Share"), "percent", 9),
            Column("margin_share", self.env._("Margin Share"), "percent", 9),
            Column("pareto_rank", self.env._("Pareto Rank"), "int", 9),
            Column("cumulative_share", self.env._("Cumulative Share"), "percent", 11),
            Column("dependency", self.env._("Dependency"), "text", 12),
            Column("orders", self.env._("Orders"), "int", 8),
            Column("first_order", self.env._("First Order"), "date", 12),
            Column("last_order", self.env._("Last Order"), "date", 12),
            Column("interval", self.env._("Days Between Orders"), "float", 12),
            Column("compliance", self.env._("Plan Compliance"), "percent", 11),
            Column("risk_score", self.env._("Risk Score"), "percent", 9),
            Column("signals", self.env._("Risk Signals"), "wrap", 60),
        ]

    def _kam_metric_rows(self, entries):
        for entry in entries:
            metric, health = entry["metric"][:1], entry["health"][:1]
            yield {
                "partner": entry["partner"].display_name,
                "invoiced": metric.invoiced_revenue if metric else None,
                "ordered": metric.ordered_revenue if metric else None,
                "margin": metric.margin if metric else None,
                "share": metric.share if metric else None,
                "margin_share": metric.margin_share if metric else None,
                "pareto_rank": metric.pareto_rank if metric else None,
                "cumulative_share": metric.cumulative_share if metric else None,
                "dependency": self._kam_selection(metric, "dependency_level"),
                "orders": metric.order_count if metric else None,
                "first_order": metric.first_order_date if metric else None,
                "last_order": metric.last_order_date if metric else None,
                "interval": metric.avg_order_interval if metric else None,
                "compliance": health.compliance_rate if health else None,
                "risk_score": health.risk_score if health else None,
                "signals": health.risk_reasons if health else None,
            }

    # ------------------------------------------------------------------
    # Portfolio: one row per account
    # ------------------------------------------------------------------

    @api.model
    def _kam_portfolio_columns(self):
        return [
            Column("pareto_rank", self.env._("Rank"), "int", 7),
            Column("partner", self.env._("Account"), "text", 32),
            Column("kam", self.env._("Key Account Manager"), "text", 22),
            Column("status", self.env._("Status"), "text", 14),
            Column("invoiced_revenue", self.env._("Invoiced Revenue"), "money", 15),
            Column("ordered_revenue", self.env._("Ordered Revenue"), "money", 15),
            Column("margin", self.env._("Gross Margin"), "money", 15),
            Column("basis_amount", self.env._("Basis"), "money", 15),
            Column("share", self.env._("Share"), "percent", 9),
            Column("margin_share", self.env._("Margin Share"), "percent", 9),
            Column("cumulative_share", self.env._("Cumulative Share"), "percent", 11),
            Column("dependency_level", self.env._("Dependency"), "text", 12),
            Column("order_count", self.env._("Orders"), "int", 8),
            Column("last_order_date", self.env._("Last Order"), "date", 12),
            Column("compliance_rate", self.env._("Plan Compliance"), "percent", 11),
            Column("completeness", self.env._("Dossier Completeness"), "percent", 11),
            Column("plan_progress", self.env._("Plan Progress"), "percent", 11),
            Column("risk_score", self.env._("Risk Score"), "percent", 9),
            Column("risk_level", self.env._("Risk"), "text", 9),
            Column("ending_warning", self.env._("Decide Quickly"), "bool", 9),
        ]

    @api.model
    def _kam_portfolio_rows(self, domain):
        """Rows of the portfolio report the user may read, in Pareto order.

        The report is searched once through the record rules and read from a
        server-side cursor (``DECLARE … CURSOR``), ``READ_BATCH`` rows at a
        time: the view is evaluated once and memory does not grow with the
        number of accounts.
        """
        Report = self.env["kam.portfolio.report"]
        fnames = [
            "pareto_rank", "kam_status", "invoiced_revenue", "ordered_revenue", "margin",
            "basis_amount", "share", "margin_share", "cumulative_share", "dependency_level",
            "order_count", "last_order_date", "compliance_rate", "completeness", "plan_progress",
            "risk_score", "risk_level", "ending_warning",
        ]
        selections = {
            fname: dict(Report._fields[fname]._description_selection(self.env))
            for fname in ("kam_status", "dependency_level", "risk_level")
        }
        query = Report._search(domain, order="pareto_rank, basis_amount desc, partner_id")
        # names straight from the joined tables: no ORM name computation per row
        partner = query.left_join(query.table, "partner_id", "res_partner", "id", "partner_id")
        kam = query.left_join(query.table, "kam_user_id", "res_users", "id", "kam_user_id")
        kam_partner = query.left_join(kam, "partner_id", "res_partner", "id", "partner_id")
        select = query.select(
            SQL.identifier(partner, "complete_name"),
            SQL.identifier(kam_partner, "name"),
            *(Report._field_to_sql(query.table, fname, query) for fname in fnames),
        )
        cursor = SQL.identifier("kam_portfolio_export")
        self.env.execute_query(SQL("DECLARE %s NO SCROLL CURSOR FOR %s", cursor, select))
        try:
            while rows := self.env.execute_query(SQL("FETCH %s FROM %s", READ_BATCH, cursor)):
                for partner_name, kam_name, *row in rows:
                    values = dict(zip(fnames, row, strict=True))
                    values["partner"] = partner_name
                    values["kam"] = kam_name
                    values["status"] = selections["kam_status"].get(values.pop("kam_status"))
                    for fname in ("dependency_level", "risk_level"):
                        values[fname] = selections[fname].get(values[fname])
                    yield values
        except GeneratorExit:
            # the workbook stopped reading: free the cursor for a next export
            self.env.cr.execute(SQL("CLOSE %s", cursor))
            raise
        self.env.cr.execute(SQL("CLOSE %s", cursor))

    @api.model
    def _kam_build_portfolio_workbook(self, domain):
        """The portfolio workbook of the report rows matching ``domain``, as bytes."""
        labels = {
            "sheet": self.env._("Portfolio"),
            "chart_sheet": self.env._("Pareto"),
            "chart_title": self.env._("Pareto: share and cumulative share by account"),
            "share": self.env._("Share"),
            "cumulative": self.env._("Cumulative Share"),
            "rank_axis": self.env._("Accounts by rank"),
            "share_axis": self.env._("Share of the basis"),
        }
        summary_lines = self._kam_portfolio_summary_lines()
        return self._kam_write_file(lambda path, tmpdir: build_portfolio_workbook(
            path, self._kam_portfolio_rows(domain), self._kam_portfolio_columns(), labels,
            summary_lines=summary_lines, tmpdir=tmpdir,
        ))

    @api.model
    def _kam_portfolio_summary_lines(self):
        """The key accounts' total share against the band, for the chart sheet."""
        summary = self.env["kam.portfolio.summary"].search(
            [("company_id", "=", self.env.company.id)], limit=1,
        )
        if not summary:
            return []
        lines = [(self.env._(
            "%(company)s: key accounts bring %(share)s %% of the basis (normal band %(low)s–%(high)s %%).",
            company=summary.company_id.name, share=round(summary.key_share, 1),
            low=summary.band_low, high=summary.band_high,
        ), False)]
        status = portfolio_state(
            summary.key_share, summary.band_low, summary.band_high, summary.mono_share,
        )
        if status == "mono":
            lines.append((self.env._(
                "Mono-dependence: more than %(mono)s %% of the basis comes from key accounts.",
                mono=summary.mono_share,
            ), True))
        elif status in ("above", "below"):
            lines.append((self.env._("Outside the normal band."), True))
        return lines

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _kam_write_file(self, write):
        """Run ``write(path, tmpdir)`` into a temporary file and return its bytes."""
        with tempfile.TemporaryDirectory(prefix="kam_xlsx_") as tmpdir:
            path = os.path.join(tmpdir, "export.xlsx")
            write(path, tmpdir)
            with open(path, "rb") as handle:
                return handle.read()

    @api.model
    def _kam_selection(self, record, fname):
        """The label of a selection value of ``record`` (None when empty)."""
        if not record or fname not in record._fields or not record[fname]:
            return None
        selection = dict(record._fields[fname]._description_selection(self.env))
        return selection.get(record[fname], record[fname])
