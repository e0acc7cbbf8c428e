/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";

const { DateTime } = luxon;

/**
 * The call's outcome: the dispositions with their keys (those without a key
 * fold under "Other outcomes"), the note, and the callback in the respondent's
 * own time.
 */
export class CatiDispositionPanel extends Component {
    static template = "callcenter_cati.DispositionPanel";
    static props = {
        dispositions: Array,
        outcome: Object,
        tz: String,
        now: Number,
        surveyDone: Boolean,
        busy: Boolean,
        onSelect: Function,
        onCallbackIn: Function,
        onConfirm: Function,
    };

    setup() {
        this.ui = useState({ showOthers: false });
    }

    get keyed() {
        return this.props.dispositions.filter((d) => d.shortcut);
    }

    get others() {
        return this.props.dispositions.filter((d) => !d.shortcut);
    }

    get selected() {
        return this.props.dispositions.find((d) => d.id === this.props.outcome.dispositionId);
    }

    get othersOpen() {
        return this.ui.showOthers || Boolean(this.selected && !this.selected.shortcut);
    }

    get respondentNow() {
        return DateTime.fromMillis(this.props.now, { zone: this.props.tz }).toFormat(
            "yyyy-MM-dd HH:mm",
        );
    }

    get noteMissing() {
        return Boolean(this.selected?.note_required && !this.props.outcome.note.trim());
    }

    get callbackMissing() {
        const outcome = this.props.outcome;
        return Boolean(
            this.selected?.is_appointment && !(outcome.callbackDate && outcome.callbackTime),
        );
    }

    get canConfirm() {
        return (
            Boolean(this.selected) && !this.props.busy && !this.noteMissing && !this.callbackMissing
        );
    }

    get confirmLabel() {
        return _t("Record %(outcome)s", { outcome: this.selected.name });
    }

    isSuggested(disposition) {
        return this.props.surveyDone && disposition.is_complete;
    }

    toggleOthers() {
        this.ui.showOthers = !this.ui.showOthers;
    }
}
