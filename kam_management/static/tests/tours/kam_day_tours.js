/** @odoo-module **/
import { registry } from "@web/core/registry";

// A KAM's day in the web client (tests/test_kam_day_tours.py prepares the data):
// the cockpit, an alert answered, a candidate promoted, a dossier exported.
// Each step waits for an element that only exists once the previous one worked.

const tours = registry.category("web_tour.tours");
const CARD = ".o_kanban_record:contains('Tour Cockpit Ltd')";
const ROW = ".o_list_view .o_data_row:contains('Tour Cockpit Ltd')";

function openKeyAccountsMenu() {
    return [
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
    ];
}

function backTo(name) {
    return {
        trigger: `.o_breadcrumb .breadcrumb-item a:contains('${name}')`,
        run: "click",
    };
}

// A KAM opens the cockpit from the menu, reads their account's card, opens its
// dossier and relationship map, starts logging a contact, then reads the list.
tours.add("kam_cockpit_tour", {
    steps: () => [
        ...openKeyAccountsMenu(),
        {
            // the menu is grouped: Accounts, Communication, Analysis
            trigger: ".dropdown-menu_group.dropdown-header:contains('Communication')",
        },
        {
            trigger: ".dropdown-menu_group.dropdown-header:contains('Analysis')",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='kam_management.kam_menu_cockpit']",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('My Key Accounts')",
        },
        {
            trigger: ".o_searchview_facet:contains('My Accounts')",
        },
        {
            trigger: `.o_kanban_view ${CARD} .o_kam_cockpit_share:contains('24.13')`,
        },
        {
            trigger: `${CARD} .o_kam_cockpit_reason:contains('Order amounts shrank')`,
        },
        {
            trigger: `${CARD} .o_kam_cockpit_overdue:contains('1')`,
        },
        {
            trigger: `${CARD} .o_kam_cockpit_alerts`,
        },
        {
            // the colleague's account is not on the KAM's home
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains('Tour Foreign Ltd')))",
        },
        {
            trigger: `${CARD} button[name='action_open_kam_dossier']`,
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='partner_id']:contains('Tour Cockpit Ltd')",
        },
        backTo("My Key Accounts"),
        {
            trigger: `${CARD} button[name='action_kam_open_relationship_map']`,
            run: "click",
        },
        {
            trigger: ".o_kam_relationship_map .o_kam_rm_account:contains('Tour Cockpit Ltd')",
        },
        {
            trigger: ".o_kam_relationship_map .o_kam_rm_node[data-name='Tour Buyer']",
        },
        backTo("My Key Accounts"),
        {
            trigger: `${CARD} button[name='action_kam_cockpit_log_contact']`,
            run: "click",
        },
        {
            trigger: ".modal .modal-title:contains('Log Contact')",
        },
        {
            trigger: ".modal .o_field_widget[name='partner_id'] input",
            run: function () {
                if (!this.anchor.value.includes("Tour Cockpit Ltd")) {
                    throw new Error(`Expected the account in the dialog, got "${this.anchor.value}"`);
                }
            },
        },
        {
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: `${ROW} td[name='kam_plan_overdue_count']:contains('1')`,
        },
        {
            trigger: `${ROW} td[name='kam_risk_reason']:contains('Order amounts shrank')`,
        },
        {
            // without the default filter the colleague's account shows, its figures restricted
            trigger: ".o_searchview_facet:contains('My Accounts') .o_facet_remove",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row.text-muted:contains('Tour Foreign Ltd')",
        },
        {
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('Tour Foreign Ltd') div[name='kam_cockpit_restricted']:contains('Figures restricted')",
        },
        {
            trigger: ".o_kanban_record:contains('Tour Foreign Ltd'):not(:has(.o_kam_cockpit_share)):not(:has(button[name='action_open_kam_dossier']))",
        },
    ],
});

// The head of KAM lands on every account, grouped by KAM.
tours.add("kam_cockpit_team_tour", {
    steps: () => [
        {
            trigger: ".o_searchview_facet:contains('Key Account Manager')",
        },
        {
            trigger: ".o_kanban_group:contains('Tina Tour KAM') .o_kanban_record:contains('Tour Cockpit Ltd')",
        },
        {
            trigger: ".o_kanban_group:contains('Oscar Other KAM') .o_kanban_record:contains('Tour Foreign Ltd') .o_kam_cockpit_share:contains('24.13')",
        },
    ],
});

// A KAM answers an alert from the cockpit: the alert is marked done with a
// note, and the card no longer says it has an open alert.
tours.add("kam_alert_tour", {
    steps: () => [
        {
            trigger: `${CARD} .o_kam_cockpit_alerts`,
        },
        {
            trigger: `${CARD} .o-mail-ActivityButton`,
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityListPopoverItem:contains('Critical dependency') .o-mail-ActivityListPopoverItem-markAsDone",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Called the buyer: two new product lines are planned",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']",
            run: "click",
        },
        {
            trigger: `${CARD}:not(:has(.o_kam_cockpit_alerts))`,
        },
    ],
});

// The head of KAM promotes a candidate from the Candidates menu: the account's
// status becomes Key Account.
tours.add("kam_promote_tour", {
    steps: () => [
        ...openKeyAccountsMenu(),
        {
            trigger: ".dropdown-item[data-menu-xmlid='kam_management.kam_menu_candidates']",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='complete_name']:contains('Tour Candidate Ltd')",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name='kam_badges'] .o_field_widget[name='kam_status']:contains('Candidate')",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link[name='kam_key_account']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook .tab-pane.active button:contains('Promote to Key Account')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='kam_user_id'] input",
            run: "edit Tina Tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tina Tour KAM')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] input",
            run: "edit 18 % of our margin, leader in its region",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_view div[name='kam_badges'] .o_field_widget[name='kam_status']:contains('Key Account')",
        },
    ],
});

// A KAM exports the dossier of an account from the cockpit's list: the
// workbook is offered for download.
tours.add("kam_export_dossier_tour", {
    steps: () => [
        {
            trigger: `.o_kanban_view ${CARD}`,
        },
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: `${ROW} .o_list_record_selector input`,
            run: "click",
        },
        {
            trigger: ".o_control_panel .o_cp_action_menus button:contains('Actions')",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .o_menu_item:contains('Export Dossier (Excel)')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='partner_ids'] .o_tag:contains('Tour Cockpit Ltd')",
        },
        {
            trigger: ".modal button[name='action_export']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='file'] a:contains('Dossier Tour Cockpit Ltd')",
        },
    ],
});
