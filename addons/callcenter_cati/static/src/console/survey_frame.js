/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, onWillUnmount, useRef } from "@odoo/owl";

/** Shown by the survey's own page when the last page is submitted. */
const FINISHED_SELECTOR = ".o_survey_finished";

/**
 * The survey's own runtime page (navigation, progress bar, validation) in a
 * frame, on the case's answers. The page changes pages without reloading, so
 * its end is watched in the frame's document (same origin).
 */
export class CatiSurveyFrame extends Component {
    static template = "callcenter_cati.SurveyFrame";
    static props = {
        survey: Object,
        surveyDone: Boolean,
        onFinished: Function,
    };

    setup() {
        this.frameRef = useRef("frame");
        this.observer = null;
        onWillUnmount(() => this.observer?.disconnect());
    }

    onLoad() {
        this.observer?.disconnect();
        this.observer = null;
        const doc = this.frameRef.el?.contentDocument;
        if (!doc?.body) {
            return;
        }
        if (doc.querySelector(FINISHED_SELECTOR)) {
            this.finished();
            return;
        }
        this.observer = new MutationObserver(() => {
            if (doc.querySelector(FINISHED_SELECTOR)) {
                this.observer.disconnect();
                this.observer = null;
                this.finished();
            }
        });
        this.observer.observe(doc.body, { childList: true, subtree: true });
    }

    /** The console takes the keyboard back, for the outcome's key. */
    finished() {
        if (this.frameRef.el && document.activeElement === this.frameRef.el) {
            this.frameRef.el.blur();
        }
        this.props.onFinished();
    }

    /** Back to the questionnaire, also from its "review your answers" page. */
    reload() {
        if (this.frameRef.el) {
            this.frameRef.el.src = this.props.survey.url;
        }
    }
}
