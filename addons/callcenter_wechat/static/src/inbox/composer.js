/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, onMounted, useEffect, useRef } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { checkFileSize } from "@web/core/utils/files";
import { useService } from "@web/core/utils/hooks";
import { getDataURLFromFile } from "@web/core/utils/urls";
import { FileUploader } from "@web/views/fields/file_handler";

/** Image types WeChat's customer-service messages take. */
export const IMAGE_TYPES = "image/jpeg,image/png,image/gif,image/bmp";

/**
 * The reply box: Enter sends, Shift+Enter starts a new line (and an input
 * method's Enter only confirms the characters being composed); an image is
 * picked, dropped or pasted and sent at once.
 */
export class WechatComposer extends Component {
    static template = "callcenter_wechat.WechatComposer";
    static components = { FileUploader };
    static props = {
        draft: String,
        disabled: Boolean,
        disabledReason: { type: String, optional: true },
        busy: Boolean,
        onDraft: Function,
        onSend: Function,
        onSendImage: Function,
    };

    setup() {
        this.notification = useService("notification");
        this.textareaRef = useRef("textarea");
        this.imageTypes = IMAGE_TYPES;
        onMounted(() => {
            this.resize();
            if (!this.props.disabled) {
                this.textareaRef.el?.focus();
            }
        });
        useEffect(
            () => this.resize(),
            () => [this.props.draft],
        );
    }

    get canSend() {
        return !this.props.disabled && !this.props.busy && Boolean(this.props.draft.trim());
    }

    get placeholder() {
        return this.props.disabled
            ? ""
            : _t("Write a reply. Enter sends, Shift+Enter starts a new line.");
    }

    onInput(ev) {
        this.props.onDraft(ev.target.value);
    }

    onKeydown(ev) {
        // keyCode 229: the key went to an input method (pinyin, ...), not to the text.
        if (ev.key !== "Enter" || ev.shiftKey || ev.isComposing || ev.keyCode === 229) {
            return;
        }
        ev.preventDefault();
        this.send();
    }

    async send() {
        if (!this.canSend) {
            return;
        }
        await this.props.onSend(this.props.draft);
        this.textareaRef.el?.focus();
    }

    async onImageUploaded({ name, type, data }) {
        await this.props.onSendImage({ name, mimetype: type, data });
    }

    /** A screenshot pasted into the box is sent as an image. */
    async onPaste(ev) {
        const file = [...(ev.clipboardData?.files || [])].find((f) =>
            IMAGE_TYPES.split(",").includes(f.type),
        );
        if (!file || this.props.disabled || this.props.busy) {
            return;
        }
        ev.preventDefault();
        if (!checkFileSize(file.size, this.notification)) {
            return;
        }
        const dataUrl = await getDataURLFromFile(file);
        await this.props.onSendImage({
            name: file.name || "image.png",
            mimetype: file.type,
            data: dataUrl.split(",")[1],
        });
    }

    resize() {
        const el = this.textareaRef.el;
        if (!el) {
            return;
        }
        el.style.height = "auto";
        el.style.height = `${el.scrollHeight + 2}px`;
    }
}
