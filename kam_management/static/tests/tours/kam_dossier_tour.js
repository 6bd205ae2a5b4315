/** @odoo-module **/
import { registry } from "@web/core/registry";

// From a key account's form (URL given by the test): open its dossier, check
// the four parts of the client card, the DMU tab, then the relationship map
// and a person's card from the map.
registry.category("web_tour.tours").add("kam_dossier_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o-form-buttonbox button[name='action_open_kam_dossier']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='partner_id']:contains('Tour Dossier Ltd')",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Business')",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Analytics')",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('History')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='completeness']",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Contacts & DMU')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='dmu_member_ids'] .o_data_row:contains('Tour Decider')",
        },
        {
            trigger: ".o_field_widget[name='dmu_member_ids'] .o_data_row:contains('Tour Adviser')",
        },
        {
            trigger: ".o_notebook .tab-pane.active button[name='action_open_relationship_map']",
            run: "click",
        },
        {
            trigger: ".o_kam_relationship_map .o_kam_rm_account:contains('Tour Dossier Ltd')",
        },
        {
            trigger: ".o_kam_relationship_map .o_kam_rm_node.o_kam_rm_supporter[data-name='Tour Decider'] .o_kam_rm_dm_badge",
        },
        {
            trigger: ".o_kam_relationship_map .o_kam_rm_node.o_kam_rm_opponent[data-name='Tour Adviser']",
        },
        {
            trigger: ".o_kam_relationship_map path.o_kam_rm_edge",
        },
        {
            trigger: ".o_kam_relationship_map .o_kam_rm_node[data-name='Tour Decider']",
            run: "click",
        },
        {
            trigger: ".modal .o_form_view .o_field_widget[name='contact_id'] input",
            run: function () {
                const value = this.anchor.value;
                if (!value.includes("Tour Decider")) {
                    throw new Error(`Expected the card of Tour Decider, got "${value}"`);
                }
            },
        },
        {
            trigger: ".modal .o_form_button_cancel, .modal .btn-close",
            run: "click",
        },
        {
            trigger: ".o_kam_relationship_map:not(:has(.modal))",
        },
    ],
});
