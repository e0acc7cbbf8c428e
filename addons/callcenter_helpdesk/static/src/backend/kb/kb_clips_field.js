/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import {
    Many2ManyBinaryField,
    many2ManyBinaryField,
} from "@web/views/fields/many2many_binary/many2many_binary_field";

/**
 * The article's voice clips: upload like attachments, and a player for each so
 * that the author hears what agents will play to callers.
 */
export class KbClipsField extends Many2ManyBinaryField {
    static template = "callcenter_helpdesk.KbClipsField";

    streamUrl(file) {
        return `/web/content/${file.id}`;
    }
}

export const kbClipsField = {
    ...many2ManyBinaryField,
    component: KbClipsField,
    displayName: _t("Voice clips with players"),
    extractProps: (params) => ({
        ...many2ManyBinaryField.extractProps(params),
        acceptedFileExtensions: params.options.accepted_file_extensions || "audio/*",
    }),
};

registry.category("fields").add("callcenter_kb_clips", kbClipsField);
