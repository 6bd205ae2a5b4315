/** @odoo-module **/
import { registry } from "@web/core/registry";

// The KAM of a group opens its top company: the Group tab adds up the
// companies of the group, each once, and opens the group analysis.
registry.category("web_tour.tours").add("kam_group_account_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Group')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_kam_group_lines .o_data_row:contains('Division Two')",
        },
        {
            trigger: ".o_form_view .o_kam_group_lines .o_data_row:contains('Subsidiary One')",
        },
        // The figures after the lines: the tab's first layout is no DOM change
        // the tour would wait for, the lines arriving are.
        {
            trigger: ".o_form_view .o_field_widget[name='kam_group_dependency_level']:contains('Mono-Client')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='kam_group_share']:contains('75.00')",
        },
        {
            trigger: ".o_form_view button[name='action_kam_open_group']",
            run: "click",
        },
        {
            trigger: ".o_list_view.o_kam_group_report .o_data_row:contains('Division Two')",
        },
    ],
});

// From the cockpit card of a key account, its white space; one click opens
// the opportunity of a category its peers buy.
registry.category("web_tour.tours").add("kam_white_space_tour", {
    steps: () => [
        {
            trigger: ".o_kanban_record:contains('Alpha Offices') .o_kam_cockpit_white_space",
            run: "click",
        },
        {
            trigger: ".o_list_view.o_kam_white_space .o_data_row:contains('Chairs') .o_kam_ws_create",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='tag_ids']:contains('White Space')",
        },
    ],
});
