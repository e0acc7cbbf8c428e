/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * Plays a call recording in place. The browser fetches it through /web/content,
 * which applies the call's access rules to the attachment.
 */
export class RecordingField extends Component {
    static template = "callcenter_base.RecordingField";
    static props = { ...standardFieldProps };

    get attachmentId() {
        // Odoo 18 keeps a many2one as an [id, display name] pair.
        const value = this.props.record.data[this.props.name];
        return value && value[0];
    }

    get streamUrl() {
        return `/web/content/${this.attachmentId}`;
    }

    get downloadUrl() {
        return `/web/content/${this.attachmentId}?download=true`;
    }
}

export const recordingField = {
    component: RecordingField,
    displayName: _t("Call recording player"),
    supportedTypes: ["many2one"],
};

registry.category("fields").add("callcenter_recording", recordingField);
