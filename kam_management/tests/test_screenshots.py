# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Screenshots of the real UI, taken by the browser tests.

Each test opens a screen of the addon on the demo data in headless Chromium,
waits until its characteristic element is drawn, and captures the page. The
test fails when the element never appears. With ``KAM_SCREENSHOTS_DIR`` set
(``make screenshots``), the pictures are written there for the README.
"""

import base64
import json
import os
import struct
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The smallest capture that can hold a drawn screen: headless Chromium's
# window is 1366x768; a blank or error page compresses to a few KB.
MIN_SIZE = (1024, 600)
MIN_BYTES = 20_000


# Not in `make test`: `make screenshots` runs them (tag kam_screenshots).
@tagged("post_install", "-at_install", "kam_screenshots")
class TestScreenshots(HttpCase):
    def _shoot(self, url, selector, name, login="admin", click=None, check="true"):
        """Open ``url`` as ``login``, wait for ``selector``, capture the page as ``name``.

        ``click``, a JavaScript expression, gives an element clicked once it is
        there, before the wait; ``check``, a JavaScript condition on the found
        element ``el``, must hold too (the visible outcome being shown).
        """
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
            let clicked = CLICKED;
            const timer = setInterval(() => {
                const el = clicked && document.querySelector(selector);
                if (!clicked) {
                    const target = CLICK;
                    if (target) {
                        target.click();
                        clicked = true;
                    }
                }
                if (el && (CHECK)) {
                    clearInterval(timer);
                    // let fonts, charts and SVG settle before the capture
                    setTimeout(() => console.log("test successful"), 1500);
                } else if (Date.now() - started > 40000) {
                    clearInterval(timer);
                    console.error("NAME: never found " + selector + (clicked ? "" : " (nothing to click)"));
                }
            }, 200);
        """.replace("SELECTOR", json.dumps(selector)).replace("NAME", name).replace(
            "CLICKED", "false" if click else "true").replace("CLICK", click or "null").replace("CHECK", check)
        with patch.object(ChromeBrowser, "stop", stop):
            self.browser_js(url, code, login=login, timeout=60)
        self.assertTrue(shots, f"no screenshot captured for {name}")
        png = shots[0]
        self.assertTrue(png.startswith(PNG_MAGIC), f"{name}: not a PNG")
        # The IHDR chunk follows the signature: width and height, big-endian.
        width, height = struct.unpack(">II", png[16:24])
        self.assertTrue(width >= MIN_SIZE[0] and height >= MIN_SIZE[1], f"{name}: {width}x{height}")
        self.assertGreaterEqual(len(png), MIN_BYTES, f"{name}: an empty page compresses to less")
        target = os.environ.get("KAM_SCREENSHOTS_DIR")
        if target:
            os.makedirs(target, exist_ok=True)
            path = os.path.join(target, f"{name}.png")
            with open(path, "wb") as handle:
                handle.write(png)
            self.assertEqual(os.path.getsize(path), len(png), f"{path} not written whole")

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

    def test_cockpit_russian(self):
        """My Key Accounts for Marc Demo working in Russian: the cards' labels in Russian."""
        self._speak_russian(self.env.ref("base.user_demo"))
        self._shoot("/odoo/my-key-accounts", ".o_kam_cockpit .o_kanban_record .o_kam_cockpit_next", "cockpit_ru",
                    login="demo", check=f"el.textContent.includes({json.dumps('Следующий контакт')})")

    def test_log_from_plan_line(self):
        """The Log button of a plan line of Deco Addict opens the dialog filled from the line."""
        marc = self.env.ref("base.user_demo")
        line = self.env["kam.comm.plan.line"].search([
            ("partner_id", "=", self._account().id),
            ("name", "=", "Quarterly business review at their office"),
        ])
        self.assertEqual(line.user_id, marc)
        today = fields.Date.context_today(self.env["res.partner"].with_user(marc))
        date_format = self.env["res.lang"]._get_data(code=marc.lang or "en_US").date_format
        row = f"""[...document.querySelectorAll(".o_list_view .o_data_row")].find(
            row => row.textContent.includes({json.dumps(line.name)})
                && row.textContent.includes({json.dumps(line.partner_id.name)}))"""
        self._shoot(
            "/odoo/action-kam_management.kam_comm_plan_line_action",
            ".modal .o_form_view", "log_from_plan_line", login="demo",
            click=f"({row})?.querySelector(\"button[name='action_log_contact']\")",
            check=f"""el.querySelector(".o_field_widget[name='date'] input")?.value === {json.dumps(today.strftime(date_format))}
                && el.querySelector(".o_field_widget[name='summary'] textarea")?.value === {json.dumps(line.name)}""",
        )

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
