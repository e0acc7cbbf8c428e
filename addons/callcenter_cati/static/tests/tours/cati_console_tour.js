/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { registry } from "@web/core/registry";
import { callKw } from "@callcenter_base/../tests/tours/tour_utils";

const tours = registry.category("web_tour.tours");
const CONSOLE = ".o_callcenter_cati_console";
const SURVEY = ".o_callcenter_cati_survey_frame:iframe";

/** Sets a native date or time input, which cannot be typed into character by character. */
function setValue(value) {
    return function () {
        this.anchor.value = value;
        this.anchor.dispatchEvent(new Event("input", { bubbles: true }));
    };
}

tours.add("callcenter_cati_console_tour", {
    url: "/odoo/action-callcenter_cati.callcenter_cati_console_action",
    steps: () => [
        {
            content: "The console opens on the interviewer's running campaign",
            trigger: `${CONSOLE} .o_callcenter_cati_campaign_name:contains(Tour Panel)`,
        },
        {
            content: "Take the next case",
            trigger: `${CONSOLE} .o_callcenter_cati_next_big:enabled`,
            run: "click",
        },
        {
            content: "The first case by priority, with the respondent's zone",
            trigger: `${CONSOLE} .o_callcenter_cati_case_name:contains(Tour Respondent A)`,
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_local_time:contains(Asia/Shanghai)`,
        },
        {
            content: "A sample field the interviewer may not change is shown as text",
            trigger: `${CONSOLE} .o_callcenter_cati_field_fixed.o_callcenter_cati_field_customer_id:contains(C-77)`,
        },
        {
            content: "Correct the respondent's age",
            trigger: `${CONSOLE} .o_callcenter_cati_field_age input`,
            run: "edit 42",
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_save:enabled`,
            run: "click",
        },
        {
            content: "Saved",
            trigger: `.o_notification:contains(Respondent's data saved)`,
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_save:disabled`,
        },
        {
            content: "Dial the mobile number",
            trigger: `${CONSOLE} .o_callcenter_cati_number:contains(Mobile) .o_callcenter_cati_dial:enabled`,
            run: "click",
        },
        {
            content: "The call and its timer",
            trigger: `${CONSOLE} .o_callcenter_cati_call:contains(Dialing) .o_callcenter_cati_call_timer`,
        },
        {
            content: "The other number cannot be dialed during the call",
            trigger: `${CONSOLE} .o_callcenter_cati_number:contains(Home) .o_callcenter_cati_dial:disabled`,
        },
        {
            content: "The questionnaire runs in the console, on the case's answers",
            trigger: `${SURVEY} button[value=start]:not(.disabled)`,
            run: "click",
        },
        {
            trigger: `${SURVEY} .o_survey_choice_btn:contains(Female)`,
            run: "click",
        },
        {
            trigger: `${SURVEY} button.btn-primary[value=next]:not(.disabled)`,
            run: "click",
        },
        {
            trigger: `${SURVEY} .o_survey_question_text_box, ${SURVEY} textarea`,
            run: "edit Happy to help",
        },
        {
            trigger: `${SURVEY} button[value=finish]:not(.disabled)`,
            run: "click",
        },
        {
            content: "The end of the questionnaire suggests Complete",
            trigger: `${CONSOLE} .o_callcenter_cati_survey_finished`,
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_disposition_selected[data-code='1.1']`,
        },
        {
            content: "Leave the questionnaire: keys go to the console again",
            trigger: `${CONSOLE} .o_callcenter_cati_case_name`,
            run: () => document.activeElement.blur(),
        },
        {
            content: "Key 5 picks Break-off",
            trigger: `${CONSOLE} .o_callcenter_cati_disposition[data-code='2.12']`,
            run: "press 5",
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_disposition_selected[data-code='2.12']`,
        },
        {
            content: "Key 1 picks Complete again",
            trigger: `${CONSOLE} .o_callcenter_cati_case_name`,
            run: "press 1",
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_disposition_selected[data-code='1.1']`,
        },
        {
            content: "Enter records it",
            trigger: `${CONSOLE} .o_callcenter_cati_confirm:enabled`,
            run: "press Enter",
        },
        {
            content: "Recorded; the count of the day goes up",
            trigger: `${CONSOLE} .o_callcenter_cati_idle_message:contains(Recorded as Complete)`,
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_leader_me .o_callcenter_cati_leader_count:contains(1)`,
        },
        {
            content: "Next case",
            trigger: `${CONSOLE} .o_callcenter_cati_next_big:enabled`,
            run: "click",
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_case_name:contains(Tour Respondent B)`,
        },
        {
            content: "The respondent asks to be called back: key 6, a definite appointment",
            trigger: `${CONSOLE} .o_callcenter_cati_local_time:contains(Asia/Urumqi)`,
            run: "press 6",
        },
        {
            content: "The callback is given in the respondent's time",
            trigger: `${CONSOLE} .o_callcenter_cati_callback:contains(Asia/Urumqi) .o_callcenter_cati_callback_date`,
            run: setValue("2030-01-15"),
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_callback_time`,
            run: setValue("18:30"),
        },
        {
            content: "Any interviewer may call back",
            trigger: `${CONSOLE} .o_callcenter_cati_callback_anyone`,
            run: "click",
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_note`,
            run: "edit Busy with the children; evenings are better",
        },
        {
            trigger: `${CONSOLE} .o_callcenter_cati_confirm:enabled:contains(Definite appointment)`,
            run: "click",
        },
        {
            content: "The callback is confirmed in the respondent's time",
            trigger: `${CONSOLE} .o_callcenter_cati_idle_message:contains(2030-01-15 18:30)`,
        },
    ],
});

tours.add("callcenter_cati_console_dialer_tour", {
    url: "/odoo/action-callcenter_cati.callcenter_cati_console_action",
    steps: () => [
        {
            content: "A progressive campaign: the dialer brings the cases",
            trigger: `${CONSOLE} .o_callcenter_cati_idle_message:contains(Waiting for the dialer)`,
        },
        {
            trigger: `${CONSOLE}:not(:has(.o_callcenter_cati_next))`,
            run: async () => {
                // The connector reports that the dialer put a respondent through.
                const [pbxId] = await callKw("callcenter.pbx", "search", [
                    [["name", "=", "Tour PBX"]],
                ]);
                const [attemptId] = await callKw("callcenter.cati.attempt", "search", [
                    [["mode", "=", "progressive"]],
                ]);
                await callKw("callcenter.pbx", "callcenter_ingest", [
                    [pbxId],
                    [
                        {
                            seq: 1,
                            type: "cati",
                            event: "connected",
                            attempt_id: attemptId,
                            agent: "PJSIP/1001",
                            linkedid: "tour.cati.1",
                            at: Date.now() / 1000,
                        },
                    ],
                ]);
            },
        },
        {
            content: "The case arrives by the bus and opens",
            trigger: `${CONSOLE} .o_callcenter_cati_case_name:contains(Dialer Respondent)`,
        },
        {
            trigger: `${SURVEY} button[value=start]`,
        },
    ],
});
