/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, onMounted, onPatched, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { FormViewDialog } from "@web/views/view_dialogs/form_view_dialog";

import { GEOMETRY, layoutDiagram } from "./ivr_diagram_layout";

const NODE_MODEL = "callcenter.ivr.node";
const VERSION_MODEL = "callcenter.ivr.version";
const ZOOM_STEPS = [0.4, 0.5, 0.6, 0.75, 0.9, 1, 1.15, 1.3];
const MIN_AUTO_ZOOM = 0.75;
/**
 * Card heights are estimated from the text, not measured, so that the layout
 * needs no second rendering; the estimate errs high and the CSS clamps names
 * and summaries to two lines.
 */
const CARD_TEXT = {
    width: GEOMETRY.cardWidth - 30,
    chrome: 16 + 20 + 2,
    nameLine: 17,
    summaryLine: 16,
    footer: 20,
};
const DTMF_KEY = /^[0-9*#]$/;

function lines(text, latinWidth, cjkWidth) {
    let width = 0;
    for (const char of text || "") {
        width += char.codePointAt(0) > 0x2e80 ? cjkWidth : latinWidth;
    }
    return Math.min(2, Math.ceil(width / CARD_TEXT.width));
}

/** Colour family and icon of each node kind. */
const KIND_STYLES = {
    play: { family: "audio", icon: "fa-volume-up" },
    menu: { family: "input", icon: "fa-th" },
    language: { family: "input", icon: "fa-language" },
    rating: { family: "input", icon: "fa-star-half-o" },
    queue: { family: "route", icon: "fa-users" },
    agent: { family: "route", icon: "fa-user" },
    sticky: { family: "route", icon: "fa-history" },
    external: { family: "route", icon: "fa-external-link" },
    voicemail: { family: "mailbox", icon: "fa-envelope-o" },
    time: { family: "condition", icon: "fa-clock-o" },
    lookup: { family: "condition", icon: "fa-address-card-o" },
    http: { family: "condition", icon: "fa-globe" },
    hangup: { family: "end", icon: "fa-power-off" },
    goto: { family: "jump", icon: "fa-share" },
};
const DEFAULT_KIND_STYLE = { family: "jump", icon: "fa-circle-o" };

/**
 * Branch codes (BRANCHES in callcenter_ivr_node.py): whether an arrow gets a
 * label, its tone (happy path or fallback) and its words. The words are the
 * server's own (BRANCH_LABELS), so that a label the server already translated
 * is recognised too; "open" and "closed" get words of their own, as core
 * modules translate those otherwise (打开) and the web client merges every
 * module's translations. "next" goes unlabelled: a plain arrow says it.
 */
function branchStyles() {
    return {
        next: { hidden: true, text: _t("next") },
        answered: { text: _t("answered"), tone: "success" },
        "no answer": { text: _t("no answer"), tone: "warning" },
        open: { text: _t("in hours"), tone: "success" },
        closed: { text: _t("out of hours"), tone: "warning" },
        known: { text: _t("known caller"), tone: "success" },
        unknown: { text: _t("unknown caller"), tone: "muted" },
        vip: { text: _t("VIP caller"), tone: "info" },
        blacklisted: { text: _t("blacklisted caller"), tone: "danger" },
        success: { text: _t("answer received"), tone: "success" },
        failure: { text: _t("no answer or error"), tone: "warning" },
        "menu failure": { text: _t("after failed attempts"), tone: "warning" },
        "go to": { text: _t("go to"), tone: "muted" },
    };
}

/**
 * The flow of an IVR version as a layered diagram: where each key and branch
 * leads, loops drawn apart, nodes the start cannot reach set aside. Clicking a
 * node opens its form, editable only on a draft the user may edit.
 */
export class IvrDiagramField extends Component {
    static template = "callcenter_ivr.IvrDiagramField";
    static props = { ...standardFieldProps };

    /** Counts instances for the ids of SVG arrowheads, unique even with a dialog's diagram on top. */
    static instances = 0;

    setup() {
        this.dialog = useService("dialog");
        this.viewport = useRef("viewport");
        this.uid = `o_callcenter_ivr_diagram_${++IvrDiagramField.instances}`;
        this.branches = branchStyles();
        this.branchCodes = new Map(
            Object.entries(this.branches).map(([code, style]) => [String(style.text), code]),
        );
        this.state = useState({ zoom: 1, activeId: null, panning: false });
        this.cache = { source: undefined, withStats: false, layout: null };
        this.pan = null;
        this.centerPending = false;
        onMounted(() => this.showStart());
        onPatched(() => {
            if (this.centerPending) {
                this.centerPending = false;
                this.centerOnStart();
            }
        });
    }

    get diagram() {
        return this.props.record.data[this.props.name] || false;
    }

    /** The layout is recomputed only when the server sends a new diagram. */
    get layout() {
        const diagram = this.diagram;
        if (this.cache.source !== diagram) {
            const withStats = (diagram.nodes || []).some((node) => node.stats && node.stats.enter);
            this.cache = {
                source: diagram,
                withStats,
                layout: layoutDiagram(diagram, {
                    describe: (edge, node) => this.describeBranch(edge, node),
                    count: withStats ? (node, edge) => this.keyCount(node, edge) : null,
                    nodeHeight: (node) => this.cardHeight(node, withStats),
                }),
            };
        }
        return this.cache.layout;
    }

    /**
     * Nodes open for editing where the version form itself is editable and the
     * version is a draft; the server refuses changes to other versions anyway.
     */
    get nodesEditable() {
        const record = this.props.record;
        return (
            record.resModel === VERSION_MODEL && record.isInEdition && record.data.state === "draft"
        );
    }

    get nodeNames() {
        return new Map((this.diagram.nodes || []).map((node) => [node.id, node.name]));
    }

    /** Highlighted edges come last, so that they are drawn over the others. */
    get edges() {
        const id = this.state.activeId;
        const edges = this.layout.edges;
        if (id === null) {
            return edges;
        }
        const touches = (edge) => edge.source === id || edge.target === id;
        return [...edges.filter((edge) => !touches(edge)), ...edges.filter(touches)];
    }

    get related() {
        const id = this.state.activeId;
        if (id === null) {
            return null;
        }
        const related = new Set([id]);
        for (const edge of this.layout.edges) {
            if (edge.source === id) {
                related.add(edge.target);
            } else if (edge.target === id) {
                related.add(edge.source);
            }
        }
        return related;
    }

    get stageStyle() {
        const { width, height } = this.layout;
        return `width: ${width}px; height: ${height}px; transform: scale(${this.state.zoom});`;
    }

    get canvasStyle() {
        const { width, height } = this.layout;
        const zoom = this.state.zoom;
        return `width: ${Math.ceil(width * zoom)}px; height: ${Math.ceil(height * zoom)}px;`;
    }

    get zoomLabel() {
        return `${Math.round(this.state.zoom * 100)}%`;
    }

    cardHeight(node, withStats) {
        const nameLines = Math.max(1, lines(node.name, 8, 13.5));
        const summaryLines = lines(node.summary, 7, 12.5);
        return (
            CARD_TEXT.chrome +
            nameLines * CARD_TEXT.nameLine +
            (summaryLines ? 2 + summaryLines * CARD_TEXT.summaryLine : 0) +
            (withStats ? CARD_TEXT.footer : 0)
        );
    }

    /**
     * An edge names its branch by code in `branch` or `label`, or by the
     * server's words in `label`; menu keys are their own words.
     */
    describeBranch(edge, node) {
        const label = edge.label || "";
        const code = edge.branch || this.branchCodes.get(label) || label;
        if (DTMF_KEY.test(code)) {
            return { text: code, key: true };
        }
        const style =
            (node && node.kind === "menu" && this.branches[`menu ${code}`]) || this.branches[code];
        if (!style) {
            return { text: label, tone: "muted" };
        }
        if (style.hidden) {
            return { text: "" };
        }
        return { text: label === code ? style.text : label, tone: style.tone };
    }

    keyCount(node, edge) {
        const code = edge.branch || edge.label || "";
        if (!DTMF_KEY.test(code) || node.kind !== "menu") {
            return null;
        }
        return (node.stats.keys && node.stats.keys[code]) || 0;
    }

    kindStyle(node) {
        return KIND_STYLES[node.kind] || DEFAULT_KIND_STYLE;
    }

    nodeClass(placed) {
        const related = this.related;
        return {
            [`o_callcenter_ivr_family_${this.kindStyle(placed.node).family}`]: true,
            o_callcenter_ivr_node_start: placed.isStart,
            o_callcenter_ivr_node_faded: related !== null && !related.has(placed.node.id),
        };
    }

    edgeClass(edge) {
        const id = this.state.activeId;
        return {
            [`o_callcenter_ivr_edge_${edge.kind}`]: true,
            o_callcenter_ivr_edge_active: id !== null && (edge.source === id || edge.target === id),
            o_callcenter_ivr_edge_faded: id !== null && edge.source !== id && edge.target !== id,
        };
    }

    edgeMarker(edge) {
        const id = this.state.activeId;
        const marker =
            id !== null && (edge.source === id || edge.target === id) ? "active" : edge.kind;
        return `url(#${this.uid}_${marker})`;
    }

    nodeStyle(placed) {
        const { cardWidth } = this.layout.geometry;
        return `left: ${placed.x}px; top: ${placed.y}px; width: ${cardWidth}px; height: ${placed.height}px;`;
    }

    labelStyle(label) {
        return `left: ${label.x}px; top: ${label.y}px;`;
    }

    startStyle(placed) {
        const { cardWidth } = this.layout.geometry;
        return `left: ${placed.x + cardWidth / 2}px; top: ${placed.y}px;`;
    }

    nodeTitle(node) {
        return [node.name, node.kind_label, node.summary].filter(Boolean).join("\n");
    }

    /** Problems worth a glance on the card: callers lost or stuck in the node. */
    nodeTroubles(node) {
        const stats = node.stats || {};
        return [
            {
                key: "hangup",
                count: stats.hangup,
                icon: "fa-phone",
                title: _t("Callers who hung up here"),
            },
            {
                key: "timeout",
                count: stats.timeout,
                icon: "fa-hourglass-end",
                title: _t("No key pressed in time"),
            },
            {
                key: "invalid",
                count: stats.invalid,
                icon: "fa-exclamation-triangle",
                title: _t("Invalid keys"),
            },
            {
                key: "transfer",
                count: stats.transfer,
                icon: "fa-exchange",
                title: _t("Transferred"),
            },
        ].filter((trouble) => trouble.count);
    }

    unreachableEdges(node) {
        const names = this.nodeNames;
        return (node.edges || []).map((edge) => ({
            ...this.describeBranch(edge, node),
            targetName: names.get(edge.target) || "?",
        }));
    }

    setZoom(zoom) {
        this.state.zoom = Math.min(Math.max(zoom, ZOOM_STEPS[0]), ZOOM_STEPS.at(-1));
    }

    zoomIn() {
        this.setZoom(
            ZOOM_STEPS.find((step) => step > this.state.zoom + 0.001) ?? ZOOM_STEPS.at(-1),
        );
    }

    zoomOut() {
        this.setZoom(
            ZOOM_STEPS.findLast((step) => step < this.state.zoom - 0.001) ?? ZOOM_STEPS[0],
        );
    }

    /** Fits the flow to the width on screen, not below a legible size. */
    fitWidth({ minimum = ZOOM_STEPS[0] } = {}) {
        const viewport = this.viewport.el;
        const { width } = this.layout;
        if (!viewport || !width) {
            return;
        }
        this.setZoom(Math.max(Math.min(1, (viewport.clientWidth - 2) / width), minimum));
    }

    /**
     * First display: a wide flow is shrunk as far as names stay legible and
     * scrolled to where calls come in; the rest is a drag away.
     */
    showStart() {
        const zoom = this.state.zoom;
        this.fitWidth({ minimum: MIN_AUTO_ZOOM });
        if (this.state.zoom === zoom) {
            this.centerOnStart();
        } else {
            this.centerPending = true;
        }
    }

    centerOnStart() {
        const viewport = this.viewport.el;
        const start = this.layout.nodes.find((placed) => placed.isStart);
        if (!viewport || !start) {
            return;
        }
        const middle = (start.x + this.layout.geometry.cardWidth / 2) * this.state.zoom;
        viewport.scrollLeft = Math.max(0, middle - viewport.clientWidth / 2);
    }

    onPointerDown(ev) {
        if (ev.button !== 0 || ev.target.closest(".o_callcenter_ivr_node, button, a")) {
            return;
        }
        const viewport = this.viewport.el;
        this.pan = {
            x: ev.clientX,
            y: ev.clientY,
            left: viewport.scrollLeft,
            top: viewport.scrollTop,
        };
        viewport.setPointerCapture(ev.pointerId);
        this.state.panning = true;
    }

    onPointerMove(ev) {
        if (!this.pan) {
            return;
        }
        const viewport = this.viewport.el;
        viewport.scrollLeft = this.pan.left - (ev.clientX - this.pan.x);
        viewport.scrollTop = this.pan.top - (ev.clientY - this.pan.y);
    }

    onPointerUp() {
        this.pan = null;
        this.state.panning = false;
    }

    onNodeKeydown(ev, node) {
        if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault();
            this.openNode(node);
        }
    }

    /**
     * Opens a node's form over the version. Unsaved changes of the version are
     * saved first, as a button would, and the version is read again afterwards
     * so that the diagram shows the change.
     */
    async openNode(node) {
        const record = this.props.record;
        const editable = this.nodesEditable;
        if (editable && !(await record.save())) {
            return;
        }
        this.dialog.add(FormViewDialog, {
            resModel: NODE_MODEL,
            resId: node.id,
            title: node.name,
            mode: editable ? "edit" : "readonly",
            preventCreate: true,
            preventEdit: !editable,
            onRecordSaved: () => record.load(),
        });
    }

    async addNode() {
        const record = this.props.record;
        if (!(await record.save())) {
            return;
        }
        this.dialog.add(FormViewDialog, {
            resModel: NODE_MODEL,
            title: _t("New Node"),
            context: { default_version_id: record.resId },
            onRecordSaved: () => record.load(),
        });
    }
}

export const ivrDiagramField = {
    component: IvrDiagramField,
    displayName: _t("IVR flow diagram"),
    supportedTypes: ["json"],
};

registry.category("fields").add("callcenter_ivr_diagram", ivrDiagramField);
