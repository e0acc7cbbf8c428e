/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * Seconds as an agent reads them on a call: 0:42, 12:05, 1:02:03.
 */
export function formatDuration(value) {
    if (value === false || value === null || value === undefined) {
        return "";
    }
    const total = Math.max(Math.round(value), 0);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = String(total % 60).padStart(2, "0");
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

export class DurationField extends Component {
    static template = "callcenter_base.DurationField";
    static props = { ...standardFieldProps };

    get formattedValue() {
        return formatDuration(this.props.record.data[this.props.name]);
    }
}

export const durationField = {
    component: DurationField,
    displayName: _t("Duration (h:mm:ss)"),
    supportedTypes: ["integer", "float"],
};

registry.category("fields").add("callcenter_duration", durationField);
registry.category("formatters").add("callcenter_duration", formatDuration);
