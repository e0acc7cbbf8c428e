/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, onWillUpdateProps, useState } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";

import { formatDuration } from "@callcenter_base/fields/duration_field";

const { DateTime } = luxon;

/** Editable copies of the sample values: inputs hold strings, checkboxes booleans. */
function draftValues(fields) {
    return Object.fromEntries(
        fields.map((field) => [
            field.key,
            field.type === "boolean"
                ? Boolean(field.value)
                : field.value === null || field.value === undefined
                  ? ""
                  : String(field.value),
        ]),
    );
}

/**
 * The respondent: who and where (their local time), their numbers with the
 * call in progress, the sample data to check or correct, and what happened on
 * earlier calls.
 */
export class CatiCasePanel extends Component {
    static template = "callcenter_cati.CasePanel";
    static props = {
        case: Object,
        call: { type: Object, optional: true },
        callTime: String,
        now: Number,
        busy: Boolean,
        onDial: Function,
        onHangup: Function,
        onSave: Function,
        onRelease: Function,
    };

    setup() {
        this.draft = useState({ values: draftValues(this.props.case.fields), dirty: false });
        onWillUpdateProps((next) => {
            if (next.case.id !== this.props.case.id || !this.draft.dirty) {
                this.draft.values = draftValues(next.case.fields);
                this.draft.dirty = false;
            }
        });
    }

    get localTime() {
        return DateTime.fromMillis(this.props.now, { zone: this.props.case.tz }).toFormat(
            "ccc HH:mm",
        );
    }

    get callLabel() {
        const call = this.props.call;
        if (call.state === "answered") {
            return _t("Connected");
        }
        return call.direction === "outbound" ? _t("Dialing") : _t("Ringing");
    }

    get editableFields() {
        return this.props.case.fields.filter((field) => field.editable);
    }

    get fixedFields() {
        return this.props.case.fields.filter((field) => !field.editable);
    }

    get openNumberId() {
        return this.props.case.open_attempt?.number_id || false;
    }

    get pendingAppointments() {
        return this.props.case.appointments.filter((a) => a.state === "pending");
    }

    inputType(field) {
        return { integer: "number", float: "number", date: "date" }[field.type] || "text";
    }

    displayValue(field) {
        if (field.value === null || field.value === undefined || field.value === "") {
            return "–";
        }
        if (field.type === "boolean") {
            return field.value ? _t("Yes") : _t("No");
        }
        return String(field.value);
    }

    formatWhen(value) {
        return value ? formatDateTime(deserializeDateTime(value), { showSeconds: false }) : "";
    }

    formatTalk(seconds) {
        return seconds ? formatDuration(seconds) : "";
    }

    canDial(number) {
        return number.callable && !this.props.call && !this.props.busy;
    }

    onInput(field, value) {
        this.draft.values[field.key] = value;
        this.draft.dirty = true;
    }

    async save() {
        const values = {};
        for (const field of this.editableFields) {
            const value = this.draft.values[field.key];
            values[field.key] = typeof value === "string" ? value.trim() : value;
        }
        this.draft.dirty = false;
        if (!(await this.props.onSave(values))) {
            this.draft.dirty = true;
        }
    }
}
