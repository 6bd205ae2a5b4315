/** @odoo-module **/
import { registry } from "@web/core/registry";

// A key account's form at 1440 px (URL and size given by the test): the
// dossier, share, risk and plan compliance are among the 4 buttons shown
// before "More"; the plan compliance button opens the communication plan.
registry.category("web_tour.tours").add("kam_partner_buttons_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o-form-buttonbox > button[name='action_open_kam_dossier']",
        },
        {
            trigger: ".o_form_view .o-form-buttonbox > button[name='action_kam_open_metrics']:contains('Share')",
        },
        {
            trigger: ".o_form_view .o-form-buttonbox > button[name='action_kam_open_health']:contains('Risk')",
        },
        {
            trigger: ".o_form_view .o-form-buttonbox > button[name='action_kam_open_plan']",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour: monthly call')",
        },
    ],
});

// The same account seen by a KAM who does not manage it: no KAM button that
// would fail, and the figures say they are restricted instead of showing 0.00.
registry.category("web_tour.tours").add("kam_partner_foreign_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o-form-buttonbox:not(:has(button[name='action_open_kam_dossier'])):not(:has(button[name='action_kam_open_dmu']))",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Key Account')",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name='kam_figures_restricted']:contains('Restricted')",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Communication')",
            run: "click",
        },
        {
            trigger: ".o_form_view .tab-pane.active:contains('Restricted'):not(:has(button[name='action_kam_apply_plan_template']))",
        },
    ],
});
