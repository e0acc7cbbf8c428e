/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { useState } from "@odoo/owl";
import { patch } from "@web/core/utils/patch";
import { PhoneField } from "@web/views/fields/phone/phone_field";

/**
 * Click-to-dial on every phone field (forms, lists, kanban cards): agents get
 * a phone button that rings their own device, then the number. Other users
 * keep the plain tel: link.
 */
patch(PhoneField.prototype, {
    setup() {
        super.setup(...arguments);
        // Looked up leniently: views are also rendered where the service is not started.
        const softphone = this.env.services["callcenter.softphone"];
        this.softphone = softphone ? useState(softphone) : null;
    },

    get canDial() {
        return Boolean(this.softphone?.isAgent && this.props.record.data[this.props.name]);
    },

    onClickDial() {
        if (this.softphone.busy) {
            return;
        }
        const record = this.props.record;
        return this.softphone.dial(
            record.data[this.props.name],
            record.resModel,
            record.resId || false
        );
    },
});
