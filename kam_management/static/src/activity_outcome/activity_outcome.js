import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { ActivityMarkAsDone } from "@mail/core/web/activity_markasdone_popover";

/**
 * Key accounts: when a KAM marks a contact activity done, the popover asks how
 * it went (positive / neutral / negative). The choice is saved on the activity
 * before it is marked done; the server turns it into the contact log's outcome.
 * Without an outcome the popover refuses to mark the contact done. Users outside
 * KAM, and activities that are no contact with a key account,
 * never see it (`kam_ask_outcome` is false).
 */
patch(ActivityMarkAsDone.prototype, {
    setup() {
        super.setup(...arguments);
        this.kamState = useState({ outcome: false, missing: false });
        this.kamOutcomes = [
            ["positive", _t("Positive")],
            ["neutral", _t("Neutral")],
            ["negative", _t("Negative")],
        ];
    },

    kamSelectOutcome(outcome) {
        this.kamState.outcome = this.kamState.outcome === outcome ? false : outcome;
        this.kamState.missing = false;
    },

    /**
     * The outcome is what the key-account rules need: a KAM who is asked for it
     * gives it before the contact is closed (the server refuses it otherwise).
     */
    kamOutcomeMissing() {
        const activity = this.props.activity;
        const missing = Boolean(activity.kam_ask_outcome && !this.kamState.outcome && !activity.kam_outcome);
        this.kamState.missing = missing;
        return missing;
    },

    async kamSaveOutcome() {
        const activity = this.props.activity;
        if (activity.kam_ask_outcome && this.kamState.outcome) {
            await this.env.services.orm.write("mail.activity", [activity.id], {
                kam_outcome: this.kamState.outcome,
            });
        }
    },

    async onClickDone() {
        if (this.kamOutcomeMissing()) {
            return;
        }
        await this.kamSaveOutcome();
        return super.onClickDone(...arguments);
    },

    async onClickDoneAndScheduleNext() {
        if (this.kamOutcomeMissing()) {
            return;
        }
        await this.kamSaveOutcome();
        return super.onClickDoneAndScheduleNext(...arguments);
    },
});
