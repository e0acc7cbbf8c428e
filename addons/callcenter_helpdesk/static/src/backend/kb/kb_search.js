/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, onWillUnmount, useState } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { debounce } from "@web/core/utils/timing";

import { KbArticleDialog } from "@callcenter_helpdesk/backend/kb/kb_article_dialog";

/** Milliseconds of typing pause before the search is sent. */
export const KB_SEARCH_DELAY = 250;

/**
 * A search box over the published knowledge base: results as the agent types,
 * a click opens the article (and its voice clips) in a dialog.
 */
export class KbSearch extends Component {
    static template = "callcenter_helpdesk.KbSearch";
    static props = {
        limit: { type: Number, optional: true },
        autofocus: { type: Boolean, optional: true },
        onOpen: { type: Function, optional: true },
    };
    static defaultProps = { limit: 8, autofocus: false };

    setup() {
        this.orm = useService("orm");
        this.dialog = useService("dialog");
        this.state = useState({ query: "", results: [], searching: false, searched: false });
        this.sequence = 0;
        this.debouncedSearch = debounce(() => this.search(), KB_SEARCH_DELAY);
        onWillUnmount(() => this.debouncedSearch.cancel());
    }

    onInput(ev) {
        this.state.query = ev.target.value;
        this.debouncedSearch();
    }

    onKeydown(ev) {
        // Keep Enter and arrows for the box, not for a surrounding dropdown.
        ev.stopPropagation();
        if (ev.key === "Enter") {
            ev.preventDefault();
            this.debouncedSearch.cancel();
            this.search();
        }
    }

    async search() {
        const query = this.state.query.trim();
        const sequence = ++this.sequence;
        if (!query) {
            Object.assign(this.state, { results: [], searched: false });
            return;
        }
        this.state.searching = true;
        const results = await this.orm.silent.call(
            "callcenter.kb.article",
            "callcenter_kb_search",
            [query],
            { limit: this.props.limit }
        );
        // An older answer arriving after a newer one is dropped.
        if (sequence === this.sequence) {
            Object.assign(this.state, { results, searching: false, searched: true });
        }
    }

    open(result) {
        this.props.onOpen?.(result);
        this.dialog.add(KbArticleDialog, { articleId: result.id });
    }
}
