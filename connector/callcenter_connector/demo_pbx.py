"""The demo PBX: the simulator, shaped after the agents and queues configured in Odoo.

With `--simulator`, the connector starts a simulated Asterisk on its own AMI
address before connecting to it, so that a newcomer's `make run` shows live
calls: every agent of the PBX in Odoo gets a phone (`Local/<ext>@agents`) that
answers after a few rings and talks until the caller hangs up, every queue its
members, every IVR route with a number its line (the default route answers on
DID 400 when no IVR route has a number), and the traffic model
(`simulator_traffic`, calls per hour per queue, `ivr=N` for the IVR lines)
sends customers. When Odoo has CATI (its configuration has a `cati` section),
the numbers the dialer calls answer as a survey audience does: `contact=0.35`
in `simulator_traffic` is the share of live answers, the others are busy,
congested or ring out (`simulator.CustomerModel`); interviewers' phones answer
dialer calls by themselves, as `[cc-cati]` asks them to.
"""

import asyncio
import logging
import re

from .adapters.odoo import OdooRejected, OdooUnavailable
from .simulator import CustomerModel, SimulatorServer, TrafficModel
from .state.channels import device_key

_logger = logging.getLogger(__name__)

LOCAL_AGENT = re.compile(r"^Local/(?P<ext>\d+)@agents$")
DEMO_RING_SECONDS = 4.0
DEFAULT_ROUTE_DID = "400"
IVR_TRAFFIC = "ivr"
CONTACT_TRAFFIC = "contact"
DEMO_CONTACT_RATE = 0.35


def parse_traffic(text):
    """`support=60,sales=30` to {"support": 60.0, "sales": 30.0}."""
    rates = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, _sep, rate = item.partition("=")
        rates[name.strip()] = float(rate or 0)
    return rates


def demo_layout(odoo_config):
    """(agents [(extension, name)], queues {name: (strategy, [extensions])}) from Odoo's config."""
    agents = []
    for device, info in sorted((odoo_config.get("agents") or {}).items()):
        match = LOCAL_AGENT.match(device_key(device))
        if match:
            agents.append((match["ext"], info.get("name") or f"Agent {match['ext']}"))
    known = {ext for ext, _name in agents}
    queues = {}
    for name, info in (odoo_config.get("queues") or {}).items():
        members = []
        for member in info.get("members") or []:
            match = LOCAL_AGENT.match(device_key(member.get("agent")))
            if match and match["ext"] in known:
                members.append(match["ext"])
        queues[name] = (info.get("strategy") or "ringall", members)
    return agents, queues


def ivr_lines(runtime):
    """[(DID, fallback queue)] of the IVR routes in Odoo's runtime configuration."""
    if not runtime:
        return []
    fallback = (runtime.get("fallback") or {}).get("queue") or "support"
    routes = runtime.get("routes") or {}
    lines = [(did, route.get("fallback_queue") or fallback)
             for did, route in sorted(routes.items())
             if did and isinstance(route, dict) and route.get("type") == "ivr"]
    default = routes.get("")
    if not lines and isinstance(default, dict) and default.get("type") == "ivr":
        lines.append((DEFAULT_ROUTE_DID, default.get("fallback_queue") or fallback))
    return lines


async def _ivr_runtime(odoo, pbx_id, odoo_config):
    """The IVR routes, when Odoo has callcenter_ivr (its configuration then has `ivr_stamp`)."""
    if "ivr_stamp" not in odoo_config:
        return None
    try:
        return await odoo.ivr_runtime(pbx_id)
    except (OdooUnavailable, OdooRejected) as exc:
        _logger.warning("demo PBX without IVR lines: %s", exc)
        return None


async def start_demo_pbx(config, odoo):
    """Start the simulator on the connector's AMI address with Odoo's agents and queues."""
    while True:
        try:
            pbx_id = config.pbx_id or await odoo.find_pbx()
            odoo_config = await odoo.connector_config(pbx_id)
            runtime = await _ivr_runtime(odoo, pbx_id, odoo_config)
            break
        except OdooUnavailable as exc:
            _logger.warning("demo PBX waits for Odoo (%s)", exc)
            await asyncio.sleep(2)
    agents, queues = demo_layout(odoo_config)
    server = SimulatorServer(config.ami_host, config.ami_port, config.ami_user,
                             config.ami_secret or "odoo",
                             fastagi_address=config.endpoint("fastagi_bind"),
                             monitor_dir=config.recordings_dir or None)
    for extension, name in agents:
        server.add_agent(extension, name, ring_seconds=DEMO_RING_SECONDS, talk_seconds=None)
    for name, (strategy, members) in queues.items():
        did = server.add_queue(name, strategy, members)
        _logger.info("demo PBX: queue %s (%d members) on DID %s", name, len(members), did)
    lines = ivr_lines(runtime)
    for did, fallback in lines:
        server.add_ivr_line(did, fallback)
        _logger.info("demo PBX: IVR on DID %s (fallback queue %s)", did, fallback)
    await server.start()
    traffic = parse_traffic(config.simulator_traffic)
    contact_rate = traffic.pop(CONTACT_TRAFFIC, DEMO_CONTACT_RATE)
    if "cati" in odoo_config:
        server.customers.use_model(CustomerModel(contact_rate=contact_rate))
        _logger.info("demo PBX: dialed numbers answer live %.0f%% of the time", contact_rate * 100)
    ivr_rate = traffic.pop(IVR_TRAFFIC, 0.0) if lines else 0.0
    rates = {q: r for q, r in traffic.items() if q in queues}
    if rates or ivr_rate:
        server.start_traffic(TrafficModel(queues=rates, ivr=ivr_rate))
    _logger.info("demo PBX running on %s:%s with %d agents; traffic %s, IVR %s/h", config.ami_host,
                 server.port, len(agents), rates or "none", ivr_rate)
    return server
