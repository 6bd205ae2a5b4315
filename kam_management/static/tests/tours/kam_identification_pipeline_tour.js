/** @odoo-module **/
import { registry } from "@web/core/registry";

// The pipeline shows the key-account badge (status and dependency) on the
// kanban card and in the list of the opportunity of a key account.
registry.category("web_tour.tours").add("kam_identification_pipeline_tour", {
    url: "/odoo/action-crm.crm_lead_action_pipeline",
    steps: () => [
        {
            content: "The card of the key account's deal carries the status badge",
            trigger: ".o_kanban_record:contains('KAM Tour Deal') div[name='kam_partner_status'] .badge:contains('Key Account')",
        },
        {
            content: "and the dependency badge",
            trigger: ".o_kanban_record:contains('KAM Tour Deal') div[name='kam_dependency_level'] .badge:contains('Critical')",
        },
        {
            content: "An ordinary deal has no badge",
            trigger: ".o_kanban_record:contains('Plain Tour Deal'):not(:has(div[name='kam_partner_status']))",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows the same badges",
            trigger: ".o_data_row:contains('KAM Tour Deal') td[name='kam_partner_status']:contains('Key Account')",
        },
        {
            trigger: ".o_data_row:contains('KAM Tour Deal') td[name='kam_dependency_level']:contains('Critical')",
        },
    ],
});
