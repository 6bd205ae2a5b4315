/** @odoo-module **/
import { registry } from "@web/core/registry";

// A KAM logs a contact from a row of the communication plan (URL given by the
// test): the dialog arrives filled in from the plan line (account, date,
// summary), asks how it went, and refuses to log without an outcome.
registry.category("web_tour.tours").add("kam_log_from_plan_line_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Tour: quarterly call') button[name='action_log_contact']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='partner_id'] input:value('Tour Plan Ltd')",
        },
        {
            trigger: ".modal .o_field_widget[name='summary'] textarea:value('Tour: quarterly call')",
        },
        {
            trigger: ".modal .o_field_widget[name='date'] input",
            run() {
                if (!this.anchor.value) {
                    throw new Error("The contact date is empty: the dialog did not get its defaults");
                }
            },
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            // no outcome chosen: the dialog stays open and names the field
            trigger: ".o_notification:contains('Outcome')",
        },
        {
            trigger: ".modal .o_field_widget[name='outcome'] input[data-value='positive']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='summary'] textarea",
            run: "edit Tour: quarterly call, they want a visit",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour: quarterly call')",
        },
    ],
});
