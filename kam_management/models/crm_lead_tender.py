# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from ..rules.cadence import tender_milestones


class CrmLead(models.Model):
    """The tender preparation plan of an opportunity (SPEC §3, rule 4).

    An opportunity with a tender date gets one plan line per preparation
    milestone on its account (``rules.cadence.tender_milestones``); the lines
    follow the date, the account and the opportunity's active flag.
    """

    _inherit = "crm.lead"

    kam_tender_date = fields.Date(
        string="Tender Date",
        tracking=True,
        copy=False,
        help="Date of the client's tender: a preparation plan starts months before it "
        "(Settings, Tender Preparation; 9 months by default).",
    )
    kam_tender_line_ids = fields.One2many(
        "kam.comm.plan.line", "lead_id", string="Tender Preparation", groups="kam_management.group_kam_user"
    )

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.filtered("kam_tender_date")._kam_sync_tender_plan()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if {"kam_tender_date", "partner_id", "active"} & vals.keys():
            # A moved date reschedules the open milestones; a new account or a
            # reactivated deal only brings the plan back in line.
            self._kam_sync_tender_plan(reschedule="kam_tender_date" in vals)
        return res

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------

    def _kam_tender_step_names(self):
        return {
            "kickoff": self.env._("Tender preparation starts: needs, key success factors, people"),
            "needs": self.env._("Shape the requirements and specifications with the DMU"),
            "proposal": self.env._("Prepare the proposal (with its validity date)"),
            "final": self.env._("Final check before the tender"),
        }

    def _kam_sync_tender_plan(self, reschedule=True):
        """Keep the preparation plan of each opportunity in line with its tender date.

        digest §5.6: preparation starts about 9 months before the tender. A plan
        line per milestone, on the opportunity's account, for its salesperson
        (or the KAM); milestones already past when planned are due today. Without
        a tender date (or when the rule is off, or the opportunity lost) the
        open milestones are archived. Run as superuser: the plan is kept
        whoever edits the deal. Returns the lines created.
        """
        Line = self.env["kam.comm.plan.line"].sudo()
        lines = Line.with_context(active_test=False).search(
            [("lead_id", "in", self.ids), ("kind", "=", "tender")]
        )
        leads = self.filtered("kam_tender_date") | lines.lead_id
        if not leads:
            return Line
        today = fields.Date.context_today(self)
        # The milestones' names in every language, for whoever reads the plan.
        langs = {"en_US"} | {code for code, _name in self.env["res.lang"].get_installed()}
        names = {lang: self.with_context(lang=lang)._kam_tender_step_names() for lang in langs}
        lang = self.env.lang if self.env.lang in langs else "en_US"
        vals_list = []
        for lead in leads:
            company = lead.company_id or self.env.company
            account = lead.partner_id.commercial_partner_id
            existing = {line.tender_step: line for line in lines if line.lead_id == lead}
            if not (lead.active and lead.kam_tender_date and account and company.kam_tender_enabled):
                for line in existing.values():
                    if line.active and line.state != "done":
                        line.active = False
                continue
            user = lead.user_id or account.kam_user_id or self.env.user
            for code, due in tender_milestones(lead.kam_tender_date, company.kam_tender_months, today):
                line = existing.get(code)
                if not line:
                    vals_list.append({
                        "name": f"{names[lang][code]} – {lead.name}",
                        "partner_id": account.id,
                        "company_id": company.id,
                        "user_id": user.id,
                        "kind": "tender",
                        "channel": False,
                        "is_personal": False,
                        "purpose": "solution",
                        "cadence_kind": "once",
                        "start_date": due,
                        "lead_id": lead.id,
                        "tender_step": code,
                    })
                    continue
                if line.state == "done":
                    continue
                vals = {}
                if not line.active:
                    vals["active"] = True
                if line.partner_id != account:
                    vals["partner_id"] = account.id
                if (reschedule or not line.active) and line.start_date != due:
                    vals["start_date"] = due
                if vals:
                    line.write(vals)
        created = Line.create(vals_list)
        # Each line's name in every installed language, not only the writer's.
        created._kam_write_name_translations({
            line.id: {code: f"{step_names[line.tender_step]} – {line.lead_id.name}"
                      for code, step_names in names.items()}
            for line in created
        })
        return created
