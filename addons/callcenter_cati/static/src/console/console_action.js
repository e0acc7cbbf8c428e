/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {
    Component,
    markup,
    onMounted,
    onWillStart,
    onWillUnmount,
    useEffect,
    useState,
} from "@odoo/owl";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import { formatDuration } from "@callcenter_base/fields/duration_field";
import {
    LIVE_CALL_STATES,
    isUserError,
    secondsSince,
    useClock,
} from "@callcenter_base/softphone/softphone_service";

import { CatiCasePanel } from "./case_panel";
import { CatiDispositionPanel } from "./disposition_panel";
import { CatiLeaderboard } from "./leaderboard";
import { CatiSurveyFrame } from "./survey_frame";

const MODEL = "callcenter.cati.console";
const { DateTime } = luxon;

function emptyOutcome() {
    return {
        dispositionId: false,
        note: "",
        callbackDate: "",
        callbackTime: "",
        callbackMine: true,
    };
}

/**
 * The interviewer's console: take a case, dial it, run the questionnaire and
 * give the outcome. The server decides everything (which case, what an outcome
 * does); the console shows it and keeps the keyboard fast.
 */
export class CatiConsoleAction extends Component {
    static template = "callcenter_cati.ConsoleAction";
    static components = {
        Dropdown,
        DropdownItem,
        CatiCasePanel,
        CatiDispositionPanel,
        CatiLeaderboard,
        CatiSurveyFrame,
    };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.hotkey = useService("hotkey");
        this.cati = useService("callcenter.cati");
        this.softphone = useState(useService("callcenter.softphone"));
        this.clock = useClock();
        this.state = useState({
            loaded: false,
            agent: false,
            pauseReasons: [],
            campaigns: [],
            campaignId: false,
            case: null,
            /** Why no case is shown: {reason, message, next_call}. */
            idle: null,
            dispositions: [],
            stats: null,
            busy: false,
            outcome: emptyOutcome(),
            surveyDone: false,
        });
        useBus(this.cati.bus, "case", (ev) => this.onCasePushed(ev.detail));
        useBus(this.cati.bus, "reconnect", () => this.load());
        onWillStart(() => this.load(this.props.action.context?.campaign_id || null));
        onMounted(() => this.cati.watch());
        onWillUnmount(() => this.cati.unwatch());
        // The console is the screen pop of its own calls.
        useEffect(
            (pop, attempt) => {
                if (
                    pop &&
                    attempt &&
                    (pop.id === attempt.call_id ||
                        (pop.linkedid && pop.linkedid === attempt.linkedid))
                ) {
                    this.softphone.dismissPop();
                }
            },
            () => [this.softphone.pop, this.state.case?.open_attempt],
        );
        useEffect(
            (keys) => {
                const removers = [...keys].map((key) =>
                    this.hotkey.add(key, () => this.onShortcut(key), {
                        isAvailable: () => Boolean(this.state.case) && !this.state.busy,
                    }),
                );
                removers.push(
                    this.hotkey.add("enter", () => this.confirm(), {
                        isAvailable: () => this.canConfirm && this.enterConfirms(),
                    }),
                );
                return () => removers.forEach((remove) => remove());
            },
            () => [this.shortcutKeys],
        );
    }

    // ------------------------------------------------------------------
    // Getters
    // ------------------------------------------------------------------

    get campaign() {
        return this.state.campaigns.find((c) => c.id === this.state.campaignId) || null;
    }

    get briefing() {
        return this.campaign?.description ? markup(this.campaign.description) : "";
    }

    get isDialerMode() {
        return ["progressive", "predictive"].includes(this.campaign?.dial_mode);
    }

    /** Shortcut keys in use, as one string ("0123456789"). */
    get shortcutKeys() {
        return this.state.dispositions
            .map((d) => d.shortcut)
            .filter((key) => key && /^[a-z0-9]$/.test(key))
            .join("");
    }

    get selectedDisposition() {
        return this.state.dispositions.find((d) => d.id === this.state.outcome.dispositionId);
    }

    get canConfirm() {
        return Boolean(this.state.case && this.selectedDisposition && !this.state.busy);
    }

    get agentState() {
        return this.softphone.agent?.state || this.state.agent?.state || "logged_out";
    }

    get isReady() {
        return this.agentState === "available";
    }

    get stateTime() {
        return formatDuration(secondsSince(this.softphone.stateSince, this.clock.now));
    }

    /** The live call on the interviewer's phone. */
    get call() {
        const call = this.softphone.call;
        return call && LIVE_CALL_STATES.includes(call.state) ? call : undefined;
    }

    get callTime() {
        return this.call
            ? formatDuration(secondsSince(this.softphone.callSince, this.clock.now))
            : "";
    }

    /** Enter confirms the outcome, unless it is meant for another focused button. */
    enterConfirms() {
        const active = document.activeElement;
        return (
            !active ||
            active === document.body ||
            Boolean(active.closest(".o_callcenter_cati_disposition_panel"))
        );
    }

    get nextCallText() {
        const next = this.state.idle?.next_call;
        return next ? formatDateTime(deserializeDateTime(next), { showSeconds: false }) : "";
    }

    // ------------------------------------------------------------------
    // Loading
    // ------------------------------------------------------------------

    async load(campaignId = this.state.campaignId) {
        const data = await this.rpc("cati_console_state", [campaignId || null]);
        if (!data) {
            return;
        }
        Object.assign(this.state, {
            loaded: true,
            agent: data.agent,
            pauseReasons: data.pause_reasons,
            campaigns: data.campaigns,
            campaignId: data.campaign_id,
            dispositions: data.dispositions,
            stats: data.stats,
        });
        if (data.case) {
            this.showCase(data.case);
        } else if (this.state.case) {
            this.state.case = null;
        }
    }

    showCase(payload) {
        const sameCase = this.state.case?.id === payload.id;
        this.state.case = payload;
        this.state.campaignId = payload.campaign_id;
        this.state.idle = null;
        if (!sameCase) {
            this.state.outcome = emptyOutcome();
            this.state.surveyDone = false;
        }
        if (payload.survey?.state === "done") {
            this.onSurveyDone();
        }
    }

    async switchCampaign(campaignId) {
        if (this.state.case) {
            this.notification.add(_t("Finish or give back the current case first."), {
                type: "warning",
            });
            return;
        }
        this.state.idle = null;
        await this.load(campaignId);
    }

    async onCasePushed(payload) {
        if (this.state.case?.id === payload.case_id) {
            const data = await this.rpc("cati_case", [payload.case_id]);
            if (data) {
                this.showCase(data);
            }
            return;
        }
        await this.load(payload.campaign_id);
    }

    // ------------------------------------------------------------------
    // Interviewer commands
    // ------------------------------------------------------------------

    async nextCase() {
        const answer = await this.rpc("cati_next_case", [this.state.campaignId]);
        if (!answer) {
            return;
        }
        if (answer.case) {
            this.showCase(answer.case);
        } else {
            this.state.idle = answer;
        }
    }

    async setReady(ready, pauseReasonId = false) {
        const agent = await this.rpc("cati_set_ready", [ready, pauseReasonId]);
        if (agent) {
            this.softphone.agent = agent;
        }
    }

    async saveFields(values) {
        const payload = await this.rpc("cati_save_case_data", [this.state.case.id, values]);
        if (!payload) {
            return false;
        }
        this.showCase(payload);
        this.notification.add(_t("Respondent's data saved."), { type: "success" });
        return true;
    }

    async dial(number) {
        const answer = await this.rpc("cati_dial", [this.state.case.id, number.id]);
        if (!answer) {
            return;
        }
        if (answer.case_closed) {
            this.notification.add(answer.error, { type: "warning" });
            this.state.case = null;
            this.state.idle = { reason: "closed", message: answer.error };
            return;
        }
        const { case: casePayload, attempt_id: _attemptId, error, ...call } = answer;
        this.showCase(casePayload);
        if (error) {
            this.notification.add(error, { type: "danger", title: _t("Call failed") });
            return;
        }
        this.softphone.call = call;
    }

    hangup() {
        return this.softphone.hangup();
    }

    selectDisposition(disposition) {
        const outcome = this.state.outcome;
        outcome.dispositionId = disposition.id;
        if (disposition.is_appointment && !outcome.callbackDate) {
            this.setCallbackIn({ hours: 1 });
        }
    }

    /** Prefills the callback with the respondent's time `delta` from now, on a quarter hour. */
    setCallbackIn(delta) {
        let when = DateTime.now().setZone(this.state.case.tz).plus(delta);
        const quarter = Math.ceil(when.minute / 15) * 15;
        when = when.set({ minute: 0, second: 0, millisecond: 0 }).plus({ minutes: quarter });
        this.state.outcome.callbackDate = when.toISODate();
        this.state.outcome.callbackTime = when.toFormat("HH:mm");
    }

    onShortcut(key) {
        const disposition = this.state.dispositions.find((d) => d.shortcut === key);
        if (disposition) {
            this.selectDisposition(disposition);
        }
    }

    async confirm() {
        const disposition = this.selectedDisposition;
        if (!this.canConfirm) {
            return;
        }
        const outcome = this.state.outcome;
        const callback =
            disposition.is_appointment && outcome.callbackDate && outcome.callbackTime
                ? `${outcome.callbackDate} ${outcome.callbackTime}`
                : false;
        const answer = await this.rpc("cati_set_disposition", [
            this.state.case.id,
            disposition.id,
            outcome.note.trim() || false,
            callback,
            outcome.callbackMine,
        ]);
        if (!answer) {
            return;
        }
        this.notification.add(answer.message, {
            type: answer.screened_out ? "warning" : "success",
        });
        this.state.stats = answer.stats;
        this.state.case = null;
        this.state.outcome = emptyOutcome();
        this.state.idle = { reason: "recorded", message: answer.message };
    }

    async release() {
        if (await this.rpc("cati_release_case", [this.state.case.id])) {
            this.state.case = null;
            this.state.idle = {
                reason: "released",
                message: _t("The case went back to the scheduler."),
            };
        }
    }

    /** The questionnaire page shows its end: the server confirms, then Complete is suggested. */
    async onSurveyFinished() {
        const answer = await this.rpc("cati_survey_state", [this.state.case.id], { silent: true });
        if (answer?.state === "done") {
            this.onSurveyDone();
        }
    }

    onSurveyDone() {
        this.state.surveyDone = true;
        const complete = this.state.dispositions.find((d) => d.is_complete);
        if (complete && !this.state.outcome.dispositionId) {
            this.state.outcome.dispositionId = complete.id;
        }
    }

    // ------------------------------------------------------------------
    // Private
    // ------------------------------------------------------------------

    /** Calls the console model; an interviewer's error becomes a notification. */
    async rpc(method, args, { silent = false } = {}) {
        if (!silent) {
            this.state.busy = true;
        }
        try {
            return await (silent ? this.orm.silent : this.orm).call(MODEL, method, args);
        } catch (error) {
            if (isUserError(error)) {
                this.notification.add(error.data.message, { type: "danger" });
                return null;
            }
            throw error;
        } finally {
            if (!silent) {
                this.state.busy = false;
            }
        }
    }
}

registry.category("actions").add("callcenter_cati.console", CatiConsoleAction);
