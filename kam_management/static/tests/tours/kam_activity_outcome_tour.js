/** @odoo-module **/
import { registry } from "@web/core/registry";

// A KAM marks a call with a key account done from the chatter and says how it
// went: the outcome buttons sit under the feedback box of the popover, and
// Done without an outcome is refused.
registry.category("web_tour.tours").add("kam_activity_outcome_tour", {
    steps: () => [
        {
            trigger: ".o-mail-Activity:contains('Check in from the tour') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Lunch went very well",
        },
        {
            // Done without saying how it went: refused, the popover asks for it
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o-kam-outcome-missing",
        },
        {
            trigger: ".o-kam-ActivityOutcome .o-kam-outcome-positive",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone:not(:has(.o-kam-outcome-missing))",
        },
        {
            trigger: ".o-kam-ActivityOutcome .o-kam-outcome-positive.btn-primary",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']",
            run: "click",
        },
        {
            trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity))",
        },
    ],
});
