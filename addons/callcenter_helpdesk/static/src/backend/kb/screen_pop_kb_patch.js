/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { patch } from "@web/core/utils/patch";

import { ScreenPop } from "@callcenter_base/softphone/screen_pop";
import { KbSearch } from "@callcenter_helpdesk/backend/kb/kb_search";

// The pop's own components plus the knowledge base search box.
ScreenPop.components = { ...(ScreenPop.components || {}), KbSearch };

patch(ScreenPop.prototype, {
    /** The pop stays open while the agent reads the article. */
    onKbOpen() {},
});
