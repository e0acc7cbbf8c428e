/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component } from "@odoo/owl";

/** Today's completes: the interviewer's own, and the campaign's interviewers side by side. */
export class CatiLeaderboard extends Component {
    static template = "callcenter_cati.Leaderboard";
    static props = {
        stats: Object,
    };

    get best() {
        return Math.max(1, ...this.props.stats.leaderboard.map((row) => row.completes));
    }

    barWidth(row) {
        return `${Math.round((100 * row.completes) / this.best)}%`;
    }
}
