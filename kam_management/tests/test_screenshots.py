"""Screenshots of the real UI, taken by the browser tests.

Each test opens a screen of the addon on the demo data in headless Chromium,
waits until its characteristic element is drawn, and captures the page. The
test fails when the element never appears. With ``KAM_SCREENSHOTS_DIR`` set
(``make screenshots``), the pictures are written there for the README.
"""

import base64
import json
import os
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# Not in `make test`: `make screenshots` runs them (tag kam_screenshots).
@tagged("post_install", "-at_install", "kam_screenshots")
class TestScreenshots(HttpCase):
    def _shoot(self, url, selector, name, login="admin"):
        """Open ``url`` as ``login``, wait for ``selector``, capture the page as ``name``."""
        shots = []
        original_stop = ChromeBrowser.stop

        def stop(browser):
            if browser.ws is not None:
                result = browser._websocket_request("Page.captureScreenshot", timeout=30)
                if result and result.get("data"):
                    shots.append(base64.b64decode(result["data"]))
            return original_stop(browser)

        code = """
            const selector = SELECTOR;
            const started = Date.now();
            const timer = setInterval(() => {
                if (document.querySelector(selector)) {
                    clearInterval(timer);
                    // let fonts, charts and SVG settle before the capture
                    setTimeout(() => console.log("test successful"), 1500);
                } else if (Date.now() - started > 40000) {
                    clearInterval(timer);
                    console.error("NAME: never found " + selector);
                }
            }, 200);
        """.replace("SELECTOR", json.dumps(selector)).replace("NAME", name)
        with patch.object(ChromeBrowser, "stop", stop):
            self.browser_js(url, code, login=login, timeout=60)
        self.assertTrue(shots, f"no screenshot captured for {name}")
        self.assertTrue(shots[0].startswith(PNG_MAGIC))
        target = os.environ.get("KAM_SCREENSHOTS_DIR")
        if target:
            os.makedirs(target, exist_ok=True)
            with open(os.path.join(target, f"{name}.png"), "wb") as handle:
                handle.write(shots[0])

    def _account(self):
        return self.env.ref("base.res_partner_2")  # Deco Addict: the demo's key account

    def test_key_accounts_list(self):
        self._shoot(self._menu_url("kam_management.action_kam_accounts"),
                    ".o_list_view .o_data_row", "key_accounts")

    def test_pipeline_badges(self):
        self._shoot("/odoo/action-crm.crm_lead_action_pipeline",
                    ".o_kanban_record .o_field_widget[name='kam_partner_status']", "pipeline")

    def test_dossier(self):
        dossier = self._account().action_open_kam_dossier()
        self._shoot(f"/odoo/action-kam_management.kam_dossier_action/{dossier['res_id']}",
                    ".o_form_view .o_notebook", "dossier")

    def test_relationship_map(self):
        self._shoot(
            f"/odoo/res.partner/{self._account().id}/action-kam_management.kam_relationship_map_action",
            "svg circle", "relationship_map")

    def _menu_url(self, xmlid):
        """The address of a menu's action: the web client shows the CRM menus above it."""
        action = self.env.ref(xmlid)
        return f"/odoo/{action.path or f'action-{action.id}'}"

    def test_cockpit(self):
        """My Key Accounts, the home of a KAM (Marc Demo: Deco Addict and Northwind)."""
        self._shoot(self._menu_url("kam_management.action_kam_cockpit"),
                    ".o_kam_cockpit .o_kanban_record .o_kam_cockpit_next", "cockpit", login="demo")

    def _speak_russian(self, user):
        """``user`` works in Russian, with the addon's and Odoo's own translations."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["base", "web", "mail", "crm", "sales_team", "kam_management"], ["ru_RU"],
        )
        user.lang = "ru_RU"

    def test_dossier_russian(self):
        """The dossier of Deco Addict for its KAM working in Russian."""
        self._speak_russian(self.env.ref("base.user_demo"))
        dossier = self._account().action_open_kam_dossier()
        self._shoot(f"/odoo/action-kam_management.kam_dossier_action/{dossier['res_id']}",
                    ".o_form_view .o_notebook", "dossier_ru", login="demo")

    def test_dashboard(self):
        """The KAM dashboard: the key accounts' share against the band, and its alert."""
        self._shoot("/odoo/action-kam_management.kam_portfolio_summary_action",
                    ".o_kanban_record .alert-danger", "dashboard")

    def test_portfolio(self):
        self._shoot("/odoo/action-kam_management.kam_portfolio_report_action",
                    ".o_graph_view canvas", "portfolio")

    def test_plan_calendar(self):
        self._shoot("/odoo/action-kam_management.kam_comm_plan_line_calendar_action",
                    ".o_calendar_view", "plan_calendar")
