/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { formatFloat, formatInteger } from "@web/views/fields/formatters";

import { formatDuration } from "@callcenter_base/fields/duration_field";

/** What a figure without a denominator (no call, no talk) shows. */
export const NO_FIGURE = "–";

function missing(value) {
    return value === null || value === undefined || value === false;
}

export function formatCount(value) {
    return missing(value) ? NO_FIGURE : formatInteger(value);
}

/** A percentage as the server gives it (0-100), one decimal. */
export function formatRate(value) {
    return missing(value) ? NO_FIGURE : `${formatFloat(value, { digits: [false, 1] })}%`;
}

export function formatSeconds(value) {
    return missing(value) ? NO_FIGURE : formatDuration(value);
}

export function formatDecimal(value, decimals = 1) {
    return missing(value) ? NO_FIGURE : formatFloat(value, { digits: [false, decimals] });
}
