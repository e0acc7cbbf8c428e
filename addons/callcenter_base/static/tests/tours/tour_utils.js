/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { rpc } from "@web/core/network/rpc";

/** Calls a model method as the tour's user, as the web client would. */
export function callKw(model, method, args, kwargs = {}) {
    return rpc(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs });
}

/** What the connector sends when a customer's call rings the tour agent's device. */
export async function ingestRingingCall(linkedid, seq) {
    const [pbxId] = await callKw("callcenter.pbx", "search", [[["name", "=", "Tour PBX"]]]);
    const now = Date.now() / 1000;
    await callKw("callcenter.pbx", "callcenter_ingest", [
        [pbxId],
        [
            {
                seq,
                type: "call",
                call: {
                    linkedid,
                    uniqueid: linkedid,
                    direction: "inbound",
                    state: "ringing",
                    caller: "+8613666661234",
                    caller_name: "Tour Caller",
                    callee: "4001",
                    queue: "support",
                    agent: "PJSIP/1001",
                    started_at: now,
                    ring_started_at: now,
                },
            },
            { seq: seq + 1, type: "ring", agent: "PJSIP/1001", linkedid, at: now },
        ],
    ]);
}
