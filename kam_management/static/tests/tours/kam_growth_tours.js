/** @odoo-module **/
import { registry } from "@web/core/registry";

// A KAM records the feedback asked after a delivered order: the "log a
// contact" dialog of the feedback request opens its feedback part, takes the
// satisfaction score and the key questions.
registry.category("web_tour.tours").add("kam_feedback_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Tour: feedback on the delivery') button[name='action_log_contact']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='is_feedback'] input:checked",
        },
        {
            trigger: ".modal .o_field_widget[name='outcome'] input[data-value='positive']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='feedback_score'] input[data-value='5']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='feedback_client_trend'] input[data-value='better']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='feedback_churn_risk'] textarea",
            run: "edit Nobody: the plant manager is happy",
        },
        {
            trigger: ".modal .o_field_widget[name='feedback_competitor_comparison'] textarea",
            run: "edit Faster than SteelCo",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

// A KAM registers who recommended us to whom (Accounts ▸ Referrals), and
// opens the opportunity that comes of it in one click.
registry.category("web_tour.tours").add("kam_referral_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input",
            run: "edit Tour Referrer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Referrer Ltd')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='referrer_contact_id'] input",
            run: "edit Tess",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tess Buyer')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='referred_partner_id'] input",
            run: "edit Tour Prospect",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Prospect Ltd')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='notes'] textarea",
            run: "edit Called their director for us",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_create_lead']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='kam_referral_id']",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input:value('Tour Prospect Ltd')",
        },
    ],
});

// The head of KAM ends a key account (the client ended it, it may come back):
// the account shows how it ended, the win-back plan, and opens a win-back deal.
registry.category("web_tour.tours").add("kam_winback_tour", {
    steps: () => [
        {
            trigger: ".o_notebook .nav-link[name='kam_key_account']",
            run: "click",
        },
        {
            trigger: "button:contains('Demote to Former')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='ended_by'] input[data-value='client']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] input",
            run: "edit Quality complaints on two deliveries",
        },
        {
            trigger: ".modal .o_field_widget[name='revivable'] input",
            run: "click",
        },
        {
            trigger: ".modal:contains('Former Client plan')",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='kam_winback_plan_date']",
        },
        {
            trigger: ".o_form_view button[name='action_kam_new_winback_lead']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='kam_is_winback'] input:checked",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
