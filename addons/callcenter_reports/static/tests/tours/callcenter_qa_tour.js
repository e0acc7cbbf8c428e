/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");
const LINES = ".o_field_widget[name=line_ids]";

function scoreRow(index, score) {
    return [
        {
            content: `Open the score of criterion ${index + 1}`,
            trigger: `${LINES} .o_data_row:eq(${index}) td[name=score]`,
            run: "click",
        },
        {
            content: `Give ${score}`,
            trigger: `${LINES} .o_data_row.o_selected_row td[name=score] input`,
            run: `edit ${score}`,
        },
    ];
}

/** A reviewer opens a recorded call, starts a review, scores it while the player is on screen. */
tours.add("callcenter_reports_qa_review_tour", {
    steps: () => [
        {
            content: "Review the recorded call",
            trigger: ".o_form_view button[name=action_callcenter_qa_review]",
            run: "click",
        },
        {
            content: "The recording plays in the review form",
            trigger: ".o_form_view .o_callcenter_qa_player .o_callcenter_recording audio",
        },
        {
            content: "The lines come from the scorecard",
            trigger: `${LINES} .o_data_row:eq(2) td[name=name]:contains(Courtesy)`,
        },
        ...scoreRow(0, 5),
        ...scoreRow(1, 10),
        ...scoreRow(2, 5),
        {
            content: "Leave the list to keep the last score",
            trigger: ".o_form_view .oe_title h1",
            run: "click",
        },
        {
            content: "The weighted score follows",
            trigger: ".o_form_view .o_field_widget[name=score]:contains(100.00)",
        },
        {
            content: "Mark the review done",
            trigger: ".o_form_view .o_form_statusbar button[name=action_done]",
            run: "click",
        },
        {
            content: "Done and passed",
            trigger: ".o_form_view .ribbon:contains(Passed)",
        },
    ],
});

/** The reviewed agent acknowledges a done review with a reply. */
tours.add("callcenter_reports_qa_acknowledge_tour", {
    steps: () => [
        {
            content: "Acknowledge the review",
            trigger: ".o_form_view .o_callcenter_qa_acknowledge",
            run: "click",
        },
        {
            content: "Write a reply",
            trigger: ".modal textarea.o_callcenter_qa_acknowledge_comment",
            run: "edit Thanks, I will summarise before closing.",
        },
        {
            content: "Confirm",
            trigger: ".modal .o_callcenter_qa_acknowledge_confirm",
            run: "click",
        },
        {
            content: "The reply is in the chatter",
            trigger: ".o-mail-Message-body:contains(summarise before closing)",
        },
        {
            content: "The button is gone",
            trigger: ".o_form_view .o_form_statusbar:not(:has(.o_callcenter_qa_acknowledge))",
        },
    ],
});
