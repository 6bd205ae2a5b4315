/** @odoo-module **/
import { registry } from "@web/core/registry";

// Logs in as admin (done by the test), opens CRM > Key Accounts and checks
// that the demo key accounts are listed with their status badge.
registry.category("web_tour.tours").add("kam_menu_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='kam_management.kam_menu_root']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='kam_management.kam_menu_accounts']",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('Key Accounts')",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='kam_status']:contains('Key Account')",
        },
    ],
});
