/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

/**
 * Layered layout of an IVR flow (a small Sugiyama): layers from the start node,
 * edges longer than one layer and loops routed through lanes that take room in
 * the rows they cross, so that no line runs under a card. Pure functions: the
 * widget renders what this returns, which keeps the layout testable and cheap
 * (a few milliseconds for a hundred nodes).
 */

export const GEOMETRY = {
    cardWidth: 200,
    cardHeight: 104,
    columnGap: 36,
    laneGap: 20,
    rowGap: 84,
    margin: 24,
    top: 52,
    loopWidth: 56,
    portSpacing: 22,
};

const ORDER_SWEEPS = 8;
const PLACE_SWEEPS = 6;
/** Long edges pull harder than short ones, so that lanes run straight. */
const WEIGHT = { node: 1, mixed: 2, lane: 8 };

/**
 * Where a label sits on its edge's first curve: near the source, so that the
 * labels under a card read as that card's branches.
 */
const LABEL_AT = 0.3;

/**
 * Parallel edges (a lookup whose known and unknown callers both go to the
 * welcome prompt) become one edge with several branches.
 */
function mergedEdges(nodes, byId) {
    const outgoing = new Map();
    for (const node of nodes) {
        const merged = new Map();
        for (const edge of node.edges || []) {
            if (!byId.has(edge.target)) {
                continue;
            }
            if (!merged.has(edge.target)) {
                merged.set(edge.target, {
                    source: node.id,
                    target: edge.target,
                    branches: [],
                    index: merged.size,
                });
            }
            merged.get(edge.target).branches.push(edge);
        }
        outgoing.set(node.id, [...merged.values()]);
    }
    return outgoing;
}

/**
 * Depth-first walk from the start: preorder numbers give the initial
 * left-to-right order (branches in the order the node lists them), and an edge
 * to a node still on the walk's stack closes a loop.
 */
function walk(start, outgoing) {
    const preorder = new Map();
    const sortKey = new Map([[start, 0]]);
    const postorder = [];
    const loops = new Set();
    const onStack = new Set([start]);
    preorder.set(start, 0);
    const stack = [{ id: start, next: 0 }];
    while (stack.length) {
        const frame = stack.at(-1);
        const edges = outgoing.get(frame.id);
        if (frame.next < edges.length) {
            const edge = edges[frame.next++];
            if (onStack.has(edge.target)) {
                loops.add(edge);
            } else if (!preorder.has(edge.target)) {
                preorder.set(edge.target, preorder.size);
                sortKey.set(edge.target, branchKey(preorder.get(frame.id), edge, edges.length));
                onStack.add(edge.target);
                stack.push({ id: edge.target, next: 0 });
            }
        } else {
            onStack.delete(frame.id);
            postorder.push(frame.id);
            stack.pop();
        }
    }
    return { preorder, sortKey, order: postorder.reverse(), loops };
}

function branchKey(sourcePreorder, edge, count) {
    return sourcePreorder + (edge.index + 1) / (count + 1);
}

/** Longest path from the start, so that every edge but a loop points down. */
function assignLayers(start, order, outgoing, loops) {
    const layer = new Map([[start, 0]]);
    for (const id of order) {
        for (const edge of outgoing.get(id)) {
            if (!loops.has(edge)) {
                layer.set(edge.target, Math.max(layer.get(edge.target) ?? 0, layer.get(id) + 1));
            }
        }
    }
    return layer;
}

/** Two edges through the same pair of items make one link that pulls twice as hard. */
function link(upper, lower, weight) {
    const existing = upper.down.find((other) => other.item === lower);
    if (existing) {
        existing.weight += weight;
        lower.up.find((other) => other.item === upper).weight += weight;
        return;
    }
    upper.down.push({ item: lower, weight });
    lower.up.push({ item: upper, weight });
}

function linkWeight(a, b) {
    if (a.node && b.node) {
        return WEIGHT.node;
    }
    return a.node || b.node ? WEIGHT.mixed : WEIGHT.lane;
}

/**
 * Items of every row: cards and lane points. A forward edge spanning several
 * rows runs through a lane point in each row between; a loop leaves its source
 * sideways, climbs through lane points and enters its target sideways. Edges
 * bound for the same node share their lanes, so that twenty queues falling
 * back to one mailbox draw one bus rather than twenty lines across the flow.
 */
function buildRows(nodes, walkResult, layer, outgoing, geometry) {
    const { preorder, sortKey, loops } = walkResult;
    const rows = [];
    const items = new Map();
    const lanes = new Map();
    const addItem = (item) => {
        (rows[item.layer] ||= []).push(item);
        return item;
    };
    const lane = (name, row, key, anchor = null) => {
        const id = name && `${name}:${row}`;
        let item = id && lanes.get(id);
        if (!item) {
            item = addItem({
                layer: row,
                key,
                left: 0,
                right: 0,
                up: [],
                down: [],
                anchor,
                span: 0,
            });
            if (id) {
                lanes.set(id, item);
            }
        }
        item.key = Math.min(item.key, key);
        return item;
    };
    for (const node of nodes) {
        if (!preorder.has(node.id)) {
            continue;
        }
        const half = geometry.cardWidth / 2;
        items.set(
            node.id,
            addItem({
                node,
                layer: layer.get(node.id),
                key: sortKey.get(node.id),
                left: half,
                right: half,
                up: [],
                down: [],
                anchored: [],
                selfLoops: [],
            }),
        );
    }
    const forward = [];
    const backward = [];
    for (const source of items.values()) {
        const edges = outgoing.get(source.node.id);
        for (const edge of edges) {
            const target = items.get(edge.target);
            if (edge.target === edge.source) {
                source.selfLoops.push(edge);
                continue;
            }
            const key = branchKey(preorder.get(source.node.id), edge, edges.length);
            if (!loops.has(edge)) {
                const chain = [source];
                for (let row = source.layer + 1; row < target.layer; row++) {
                    chain.push(lane(`down-to-${target.node.id}`, row, key));
                }
                chain.push(target);
                for (let i = 1; i < chain.length; i++) {
                    link(chain[i - 1], chain[i], linkWeight(chain[i - 1], chain[i]));
                }
                forward.push({ edge, chain });
            } else {
                const span = source.layer - target.layer;
                const chain = [lane(null, source.layer, key, source)];
                for (let row = source.layer - 1; row > target.layer; row--) {
                    chain.push(lane(`up-to-${target.node.id}`, row, key));
                }
                const entry = lane(`up-to-${target.node.id}`, target.layer, key, target);
                if (!target.anchored.includes(entry)) {
                    target.anchored.push(entry);
                }
                chain.push(entry);
                for (let i = 1; i < chain.length; i++) {
                    link(chain[i], chain[i - 1], WEIGHT.lane);
                }
                source.anchored.push(chain[0]);
                chain[0].span = span;
                entry.span = Math.max(entry.span, span);
                backward.push({ edge, chain });
            }
        }
        if (source.selfLoops.length) {
            source.right += geometry.loopWidth;
        }
    }
    for (const row of rows) {
        row.sort((a, b) => a.key - b.key);
    }
    for (const item of items.values()) {
        // The shortest loop hugs the card, so that loops from one card do not cross.
        item.anchored.sort((a, b) => a.span - b.span);
    }
    return { rows: rows.map((row) => row || []), items, forward, backward };
}

/** Lane ends follow their card; everything else is ordered by the sweeps. */
function withAnchored(free) {
    const row = [];
    for (const item of free) {
        row.push(item, ...(item.anchored || []));
    }
    return row;
}

function crossings(rows) {
    let count = 0;
    for (let r = 0; r + 1 < rows.length; r++) {
        const position = new Map(rows[r + 1].map((item, index) => [item, index]));
        const pairs = [];
        rows[r].forEach((item, index) => {
            for (const { item: lower } of item.down) {
                pairs.push([index, position.get(lower)]);
            }
        });
        for (let i = 0; i < pairs.length; i++) {
            for (let j = i + 1; j < pairs.length; j++) {
                if ((pairs[i][0] - pairs[j][0]) * (pairs[i][1] - pairs[j][1]) < 0) {
                    count++;
                }
            }
        }
    }
    return count;
}

/** Barycenter sweeps, down then up, keeping the order with the fewest crossings. */
function orderRows(rows) {
    let current = rows.map((row) => withAnchored(row.filter((item) => !item.anchor)));
    let best = current;
    let bestCount = crossings(current);
    for (let sweep = 0; sweep < ORDER_SWEEPS && bestCount; sweep++) {
        const down = sweep % 2 === 0;
        const next = current.map((row) => row.slice());
        const indexes = down ? [...next.keys()].slice(1) : [...next.keys()].reverse().slice(1);
        for (const r of indexes) {
            const neighbours = next[down ? r - 1 : r + 1];
            const position = new Map(neighbours.map((item, index) => [item, index]));
            const free = next[r].filter((item) => !item.anchor);
            const scale = neighbours.length / Math.max(free.length, 1);
            const barycenter = new Map(
                free.map((item, index) => {
                    const links = down ? item.up : item.down;
                    if (!links.length) {
                        return [item, index * scale];
                    }
                    const sum = links.reduce(
                        (total, { item: other }) => total + position.get(other),
                        0,
                    );
                    return [item, sum / links.length];
                }),
            );
            const sorted = free
                .map((item, index) => ({ item, index }))
                .sort(
                    (a, b) => barycenter.get(a.item) - barycenter.get(b.item) || a.index - b.index,
                )
                .map(({ item }) => item);
            next[r] = withAnchored(sorted);
        }
        current = next;
        const count = crossings(current);
        if (count < bestCount) {
            best = current;
            bestCount = count;
        }
    }
    return best;
}

function minimumGap(a, b, geometry) {
    const gap = a.node && b.node ? geometry.columnGap : geometry.laneGap;
    return a.right + b.left + gap;
}

/**
 * Positions of one row as close as possible (least squares) to the wished
 * ones, in order and with their minimum gaps: isotonic regression by pool
 * adjacent violators on the positions shifted by the cumulated gaps.
 */
function placeRow(row, wished, geometry) {
    const offsets = [0];
    for (let i = 1; i < row.length; i++) {
        offsets.push(offsets[i - 1] + minimumGap(row[i - 1], row[i], geometry));
    }
    const blocks = [];
    for (let i = 0; i < row.length; i++) {
        blocks.push({ value: wished[i] - offsets[i], weight: 1, size: 1 });
        while (blocks.length > 1 && blocks.at(-2).value > blocks.at(-1).value) {
            const last = blocks.pop();
            const previous = blocks.at(-1);
            const weight = previous.weight + last.weight;
            previous.value = (previous.value * previous.weight + last.value * last.weight) / weight;
            previous.weight = weight;
            previous.size += last.size;
        }
    }
    let i = 0;
    for (const block of blocks) {
        for (let k = 0; k < block.size; k++, i++) {
            row[i].x = block.value + offsets[i];
        }
    }
}

function wishedPositions(row, direction) {
    return row.map((item) => {
        const links = item[direction];
        if (!links.length) {
            return item.x;
        }
        let sum = 0;
        let weights = 0;
        for (const { item: other, weight } of links) {
            sum += other.x * weight;
            weights += weight;
        }
        return sum / weights;
    });
}

function placeColumns(rows, geometry) {
    for (const row of rows) {
        placeRow(
            row,
            row.map(() => 0),
            geometry,
        );
    }
    const pass = (indexes, direction) => {
        for (const r of indexes) {
            placeRow(rows[r], wishedPositions(rows[r], direction), geometry);
        }
    };
    const downward = [...rows.keys()].slice(1);
    const upward = [...rows.keys()].reverse().slice(1);
    for (let sweep = 0; sweep < PLACE_SWEEPS; sweep++) {
        pass(downward, "up");
        pass(upward, "down");
    }
    pass(downward, "up");
}

function pointOnCurve(from, to, t) {
    const ease = 3 * t * t - 2 * t * t * t;
    return {
        x: from.x + (to.x - from.x) * ease,
        y: round(from.y + (to.y - from.y) * (1.5 * t * (1 - t) + t * t * t)),
    };
}

function round(value) {
    return Math.round(value * 10) / 10;
}

/** Vertical-tangent curve from one point down (or up) to another. */
function curve(from, to) {
    const middle = (from.y + to.y) / 2;
    return `C ${round(from.x)} ${round(middle)} ${round(to.x)} ${round(middle)} ${round(to.x)} ${round(to.y)}`;
}

function spread(count, index, geometry) {
    const room = geometry.cardWidth - 48;
    const step = count > 1 ? Math.min(geometry.portSpacing, room / (count - 1)) : 0;
    return (index - (count - 1) / 2) * step;
}

function forwardPoints(route, rows) {
    const { chain, sourcePort, targetPort } = route;
    const points = [{ x: sourcePort, y: rows.bottom(chain[0].layer) }];
    for (const lane of chain.slice(1, -1)) {
        points.push({ x: lane.x, y: rows.top(lane.layer), lane: true });
        points.push({ x: lane.x, y: rows.bottom(lane.layer) });
    }
    points.push({ x: targetPort, y: rows.top(chain.at(-1).layer) });
    return points;
}

function forwardPath(points) {
    let path = `M ${round(points[0].x)} ${round(points[0].y)}`;
    for (let i = 1; i < points.length; i++) {
        path += points[i - 1].lane
            ? ` L ${round(points[i].x)} ${round(points[i].y)}`
            : ` ${curve(points[i - 1], points[i])}`;
    }
    return path;
}

/**
 * Out of the source's side, up its lane, into the target's side. The ports sit
 * low on the source and high on the target, clear of a self-loop between.
 */
function loopPath(route, rows, geometry) {
    const { chain } = route;
    const first = chain[0];
    const last = chain.at(-1);
    const start = {
        x: first.anchor.x + geometry.cardWidth / 2,
        y: rows.top(first.layer) + rows.height(first.layer) * 0.82,
    };
    const end = {
        x: last.anchor.x + geometry.cardWidth / 2,
        y: rows.top(last.layer) + rows.height(last.layer) * 0.18,
    };
    const radius = Math.min(10, (first.x - start.x) / 2, (last.x - end.x) / 2);
    let path = `M ${round(start.x)} ${round(start.y)} L ${round(first.x - radius)} ${round(start.y)}`;
    path += ` Q ${round(first.x)} ${round(start.y)} ${round(first.x)} ${round(start.y - radius)}`;
    path += ` L ${round(first.x)} ${round(rows.top(first.layer))}`;
    for (let i = 1; i < chain.length; i++) {
        const from = { x: chain[i - 1].x, y: rows.top(chain[i - 1].layer) };
        const to = { x: chain[i].x, y: rows.bottom(chain[i].layer) };
        path += ` ${curve(from, to)}`;
        const stop = i === chain.length - 1 ? end.y + radius : rows.top(chain[i].layer);
        path += ` L ${round(to.x)} ${round(stop)}`;
    }
    path += ` Q ${round(last.x)} ${round(end.y)} ${round(last.x - radius)} ${round(end.y)}`;
    path += ` L ${round(end.x)} ${round(end.y)}`;
    return path;
}

function loopLabelPosition(route, rows) {
    const first = route.chain[0];
    return { x: first.x, y: rows.top(first.layer) + rows.height(first.layer) * 0.45 };
}

function selfLoopPath(item, rows, geometry) {
    const x = item.x + geometry.cardWidth / 2;
    const top = rows.top(item.layer);
    const height = rows.height(item.layer);
    const reach = geometry.loopWidth - 8;
    const from = { x, y: top + height * 0.66 };
    const to = { x, y: top + height * 0.34 };
    return (
        `M ${round(from.x)} ${round(from.y)} C ${round(x + reach)} ${round(from.y + 8)} ` +
        `${round(x + reach)} ${round(to.y - 8)} ${round(to.x)} ${round(to.y)}`
    );
}

function selfLoopLabelPosition(item, rows, geometry) {
    const reach = geometry.loopWidth - 8;
    return {
        x: item.x + geometry.cardWidth / 2 + reach * 0.76,
        y: rows.top(item.layer) + rows.height(item.layer) / 2,
    };
}

/** Each row as high as its tallest card, so that short cards do not waste room. */
function rowBands(rows, nodeHeight, geometry) {
    const heights = rows.map((row) =>
        Math.max(...row.filter((item) => item.node).map((item) => nodeHeight(item.node))),
    );
    const tops = [];
    let top = geometry.top;
    for (const height of heights) {
        tops.push(top);
        top += height + geometry.rowGap;
    }
    return {
        top: (r) => tops[r],
        height: (r) => heights[r],
        bottom: (r) => tops[r] + heights[r],
        end: top - geometry.rowGap,
    };
}

/** Horizontal room a label takes, for spreading labels that would overlap. */
export function labelWidth(labels, withCounts) {
    let width = 0;
    for (const label of labels) {
        let text = 0;
        for (const char of label.text) {
            text += char.codePointAt(0) > 0x2e80 ? 12 : 6.6;
        }
        width += Math.max(text + 14, 22) + (withCounts && label.key ? 28 : 0) + 3;
    }
    return width;
}

/** Labels in one band between rows are pushed apart where they would overlap. */
function spreadLabels(labels) {
    const bands = new Map();
    for (const label of labels) {
        const band = `${label.y}`;
        (bands.get(band) || bands.set(band, []).get(band)).push(label);
    }
    for (const band of bands.values()) {
        band.sort((a, b) => a.x - b.x);
        const row = band.map((label) => ({
            left: label.width / 2,
            right: label.width / 2,
            node: null,
        }));
        placeRow(
            row,
            band.map((label) => label.x),
            { laneGap: 10, columnGap: 10 },
        );
        band.forEach((label, index) => (label.x = row[index].x));
    }
}

/**
 * @param {Object} diagram the `diagram` field: {start, nodes: [{id, edges, ...}]}
 * @param {Object} [options]
 * @param {Function} [options.describe] (edge, source node) -> {text, key, tone}
 * @param {Function} [options.count] (node, edge) -> calls that took that branch, or null
 * @param {Function} [options.nodeHeight] node -> height its card needs
 * @returns {Object} {nodes, edges, labels, unreachable, width, height, geometry}
 */
export function layoutDiagram(
    diagram,
    {
        describe = (edge) => ({ text: edge.label }),
        count = null,
        nodeHeight = null,
        geometry = {},
    } = {},
) {
    const g = { ...GEOMETRY, ...geometry };
    nodeHeight ||= () => g.cardHeight;
    const nodes = (diagram && diagram.nodes) || [];
    const byId = new Map(nodes.map((node) => [node.id, node]));
    const outgoing = mergedEdges(nodes, byId);
    const start = diagram && byId.has(diagram.start) ? diagram.start : null;
    const empty = { nodes: [], edges: [], labels: [], width: 0, height: 0, geometry: g };
    if (start === null) {
        return { ...empty, unreachable: nodes, outgoing };
    }
    const walked = walk(start, outgoing);
    const layer = assignLayers(start, walked.order, outgoing, walked.loops);
    const built = buildRows(nodes, walked, layer, outgoing, g);
    const rows = orderRows(built.rows);
    placeColumns(rows, g);

    const bands = rowBands(rows, nodeHeight, g);
    const sourcePorts = new Map();
    const targetPorts = new Map();
    for (const route of built.forward) {
        const [source, next] = route.chain;
        const target = route.chain.at(-1);
        const previous = route.chain.at(-2);
        (sourcePorts.get(source) || sourcePorts.set(source, []).get(source)).push({
            route,
            toward: next,
        });
        (targetPorts.get(target) || targetPorts.set(target, []).get(target)).push({
            route,
            toward: previous,
        });
    }
    for (const [item, ports] of sourcePorts) {
        ports.sort((a, b) => a.toward.x - b.toward.x || a.route.edge.index - b.route.edge.index);
        ports.forEach(
            ({ route }, index) => (route.sourcePort = item.x + spread(ports.length, index, g)),
        );
    }
    for (const [item, ports] of targetPorts) {
        // Routes arriving through one shared lane arrive at one port.
        const towards = [...new Set(ports.map((port) => port.toward))].sort((a, b) => a.x - b.x);
        for (const { route, toward } of ports) {
            route.targetPort = item.x + spread(towards.length, towards.indexOf(toward), g);
        }
    }

    const labels = [];
    const addLabels = (edge, position, kind) => {
        const source = byId.get(edge.source);
        const parts = edge.branches
            .map((branch) => ({
                ...describe(branch, source),
                count: count ? count(source, branch) : null,
            }))
            .filter((part) => part.text);
        if (parts.length) {
            labels.push({
                id: `${edge.source}-${edge.target}`,
                source: edge.source,
                target: edge.target,
                parts,
                kind,
                x: position.x,
                y: position.y,
                width: labelWidth(parts, Boolean(count)),
            });
        }
    };
    for (const route of built.forward) {
        route.points = forwardPoints(route, bands);
        addLabels(route.edge, pointOnCurve(route.points[0], route.points[1], LABEL_AT), "forward");
    }
    spreadLabels(labels);
    for (const route of built.backward) {
        addLabels(route.edge, loopLabelPosition(route, bands), "loop");
    }
    for (const item of built.items.values()) {
        for (const edge of item.selfLoops) {
            addLabels(edge, selfLoopLabelPosition(item, bands, g), "loop");
        }
    }

    const allItems = rows.flat();
    const left = Math.min(
        ...allItems.map((item) => item.x - item.left),
        ...labels.map((label) => label.x - label.width / 2),
    );
    const shift = g.margin - left;
    for (const item of allItems) {
        item.x += shift;
    }
    for (const label of labels) {
        label.x = round(label.x + shift);
    }
    for (const route of built.forward) {
        for (const point of route.points) {
            point.x += shift;
        }
    }

    const edges = [];
    const addEdge = (edge, path, kind) =>
        edges.push({
            id: `${edge.source}-${edge.target}`,
            source: edge.source,
            target: edge.target,
            path,
            kind,
        });
    for (const route of built.forward) {
        addEdge(route.edge, forwardPath(route.points), "forward");
    }
    for (const route of built.backward) {
        addEdge(route.edge, loopPath(route, bands, g), "loop");
    }
    for (const item of built.items.values()) {
        for (const edge of item.selfLoops) {
            addEdge(edge, selfLoopPath(item, bands, g), "loop");
        }
    }

    const placed = [...built.items.values()].map((item) => ({
        node: item.node,
        layer: item.layer,
        x: round(item.x - g.cardWidth / 2),
        y: bands.top(item.layer),
        height: bands.height(item.layer),
        isStart: item.node.id === start,
    }));
    const right = Math.max(
        ...allItems.map((item) => item.x + item.right),
        ...labels.map((label) => label.x + label.width / 2),
    );
    return {
        nodes: placed,
        edges,
        labels,
        unreachable: nodes.filter((node) => !built.items.has(node.id)),
        outgoing,
        width: Math.ceil(right + g.margin),
        height: Math.ceil(bands.end + g.margin),
        geometry: g,
    };
}
