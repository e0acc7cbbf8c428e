/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { deserializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";

const { DateTime } = luxon;

/** A server datetime (UTC "YYYY-MM-DD HH:MM:SS") as a luxon DateTime in the user's zone. */
export function toDateTime(value) {
    return value ? deserializeDateTime(value) : null;
}

/** Short time of a list row: the hour today, "Yesterday", else the day. */
export function formatListTime(value, now = DateTime.now()) {
    const when = toDateTime(value);
    if (!when) {
        return "";
    }
    if (when.hasSame(now, "day")) {
        return when.toLocaleString(DateTime.TIME_SIMPLE);
    }
    if (when.hasSame(now.minus({ days: 1 }), "day")) {
        return _t("Yesterday");
    }
    if (when.hasSame(now, "year")) {
        return when.toLocaleString({ month: "short", day: "numeric" });
    }
    return when.toLocaleString(DateTime.DATE_SHORT);
}

/** The day heading of a group of messages. */
export function formatDay(when, now = DateTime.now()) {
    if (when.hasSame(now, "day")) {
        return _t("Today");
    }
    if (when.hasSame(now.minus({ days: 1 }), "day")) {
        return _t("Yesterday");
    }
    return when.toLocaleString(DateTime.DATE_HUGE);
}

/**
 * The reply window as the server gave it, counted down on the client:
 * `{open, msLeft, label, short, warning}`.
 */
export function windowInfo(conversation, nowMillis) {
    const expires = toDateTime(conversation?.window_expires_at);
    const msLeft = expires ? expires.toMillis() - nowMillis : 0;
    const open = Boolean(conversation?.window_open && msLeft > 0);
    if (!open) {
        return {
            open,
            msLeft: 0,
            label: _t("Reply window closed"),
            short: _t("window closed"),
            warning: false,
        };
    }
    const minutes = Math.floor(msLeft / 60000);
    const hours = Math.floor(minutes / 60);
    let short;
    let left;
    if (hours >= 1) {
        short = _t("%(hours)s h left", { hours });
        left = _t("%(hours)s h %(minutes)s min left", { hours, minutes: minutes % 60 });
    } else {
        short = _t("%(minutes)s min left", { minutes: Math.max(minutes, 1) });
        left = short;
    }
    return {
        open,
        msLeft,
        label: _t("Reply window: %(left)s", { left }),
        short,
        // The last hours of the window: the agent should answer now.
        warning: hours < 4,
    };
}

/** `url` when it is a web address, else false: customers' links never run script. */
export function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url.trim()) ? url.trim() : false;
}

/** The first letter of a name, for avatars. */
export function initial(name) {
    return (name || "?").trim().charAt(0).toUpperCase() || "?";
}

/** One of eight avatar tints, stable per record. */
export function avatarTint(id) {
    return `o_callcenter_wechat_tint_${(id || 0) % 8}`;
}
