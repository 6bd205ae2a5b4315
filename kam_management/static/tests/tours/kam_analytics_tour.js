/** @odoo-module **/
import { registry } from "@web/core/registry";

// The head of KAM opens the dashboard, reads the key accounts' share against
// the band, drills into the key accounts, then opens the risky account's
// health and the account plans.
registry.category("web_tour.tours").add("kam_analytics_tour", {
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
            trigger: ".dropdown-item[data-menu-xmlid='kam_management.kam_menu_dashboard']",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('of the basis from')",
        },
        {
            trigger: ".o_kanban_record button[name='action_open_key_accounts']",
            run: "click",
        },
        {
            trigger: ".o_graph_view",
        },
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='partner_id']:contains('Northwind Offices')",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='kam_management.kam_menu_root']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='kam_management.kam_menu_account_risk']",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('Account Risk')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Northwind Offices') td[name='risk_score']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='risk_reasons']:contains('Order amounts shrank')",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='kam_management.kam_menu_root']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='kam_management.kam_menu_account_plans']",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('Account Plans')",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='name']:contains('win the volume back')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='objective_ids'] .o_data_row",
        },
    ],
});
