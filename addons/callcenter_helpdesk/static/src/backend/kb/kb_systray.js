/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, useState } from "@odoo/owl";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { useDropdownState } from "@web/core/dropdown/dropdown_hooks";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

import { KbSearch } from "@callcenter_helpdesk/backend/kb/kb_search";

/** A book icon beside the agent's softphone: the knowledge base, one search away. */
export class KbSystray extends Component {
    static template = "callcenter_helpdesk.KbSystray";
    static components = { Dropdown, KbSearch };
    static props = {};

    setup() {
        this.softphone = useState(useService("callcenter.softphone"));
        this.dropdown = useDropdownState();
    }

    onOpen() {
        this.dropdown.close();
    }
}

registry
    .category("systray")
    .add("callcenter_helpdesk.kb_systray", { Component: KbSystray }, { sequence: 111 });
