/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";

import { safeUrl, toDateTime } from "./format";

const { DateTime } = luxon;
/** Audio formats a browser plays; WeChat's own (AMR, Speex) are offered for download. */
const PLAYABLE_AUDIO = /^audio\/(mpeg|mp3|mp4|aac|ogg|wav|x-wav|webm)$/;

/**
 * One message of the thread: a bubble of the customer (left) or of the agent
 * (right), or a system line for events (follow, menu clicks, ...).
 */
export class WechatMessage extends Component {
    static template = "callcenter_wechat.WechatMessage";
    static props = {
        message: Object,
        onRetry: { type: Function, optional: true },
        onRetryMedia: { type: Function, optional: true },
        onMediaLoad: { type: Function, optional: true },
    };

    get message() {
        return this.props.message;
    }

    get isEvent() {
        return this.message.kind === "event";
    }

    get isOutbound() {
        return this.message.direction === "out";
    }

    get isFailed() {
        return this.message.state === "failed";
    }

    get time() {
        const when = toDateTime(this.message.time);
        return when ? when.toLocaleString(DateTime.TIME_SIMPLE) : "";
    }

    get fullTime() {
        const when = toDateTime(this.message.time);
        return when ? when.toLocaleString(DateTime.DATETIME_MED_WITH_SECONDS) : "";
    }

    get authorName() {
        if (!this.isOutbound) {
            return "";
        }
        const author = this.message.author;
        if (author) {
            return author[1];
        }
        return this.message.kind === "template" ? _t("Notification") : _t("Automatic reply");
    }

    get attachmentId() {
        return this.message.attachment_id || false;
    }

    get contentUrl() {
        return this.attachmentId ? `/web/content/${this.attachmentId}` : false;
    }

    get downloadUrl() {
        return this.attachmentId ? `/web/content/${this.attachmentId}?download=true` : false;
    }

    get imageUrl() {
        return this.attachmentId ? `/web/image/${this.attachmentId}` : false;
    }

    get audioPlayable() {
        return PLAYABLE_AUDIO.test(this.message.mimetype || "");
    }

    get linkUrl() {
        return safeUrl(this.message.url);
    }

    get hasCoordinates() {
        const { latitude, longitude } = this.message;
        return Boolean(latitude || longitude);
    }

    get coordinates() {
        const { latitude, longitude } = this.message;
        return `${Number(latitude).toFixed(6)}, ${Number(longitude).toFixed(6)}`;
    }

    /** WeChat sends GCJ-02 coordinates, the datum of AMap: its marker page shows the spot. */
    get mapUrl() {
        const { latitude, longitude, label } = this.message;
        const params = new URLSearchParams({
            position: `${longitude},${latitude}`,
            name: label || this.coordinates,
            coordinate: "gaode",
        });
        return `https://uri.amap.com/marker?${params}`;
    }

    get eventText() {
        const message = this.message;
        const detail = message.body || message.title || message.event_key || "";
        switch (message.event) {
            case "subscribe":
                return _t("Followed the account");
            case "unsubscribe":
                return _t("Unfollowed the account");
            case "scan":
                return _t("Scanned a QR code");
            case "click":
                return detail
                    ? _t("Tapped the menu button “%(name)s”", { name: detail })
                    : _t("Tapped a menu button");
            case "view":
                return _t("Opened the menu link %(url)s", { url: message.url || detail });
            case "location":
                return _t("Shared their location");
            default:
                return detail || _t("Event");
        }
    }

    get canRetry() {
        return (
            this.isOutbound && this.isFailed && this.message.kind === "text" && this.props.onRetry
        );
    }

    /** A customer's picture, voice or video that WeChat did not hand over (yet). */
    get mediaMissing() {
        return (
            !this.isOutbound &&
            !this.attachmentId &&
            ["image", "voice", "video", "shortvideo"].includes(this.message.kind)
        );
    }

    retry() {
        this.props.onRetry(this.message);
    }

    onMediaLoad() {
        this.props.onMediaLoad?.();
    }
}
