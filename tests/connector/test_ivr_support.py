"""What the IVR tests share: a fake Odoo over real JSON-RPC, a scripted Asterisk side of
FastAGI, the connector started against them, and two small flows.

The fake Odoo is an HTTP server on loopback that answers the connector's real
OdooClient (login, the connector configuration, ingest, rings and the four IVR
methods of IVR.md), so the lookup lane, its thread pool and its timeouts run
for real. `AsteriskSide` plays Asterisk on a FastAGI connection: it sends the
`agi_*` environment with the six arguments of the generated dialplan and
answers each command as Asterisk 22 does, with the keys a test scripts.
"""

import asyncio
import base64
import contextlib
import functools
import hashlib
import json
import shlex
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from callcenter_connector.config import Config
from callcenter_connector.service import ConnectorService
from callcenter_connector.simulator import SimulatorServer

AGENTS = {"Local/1001@agents": {"wrapup_seconds": 0, "name": "Alice Martin", "extension": "1001"},
          "Local/1002@agents": {"wrapup_seconds": 0, "name": "Li Wei", "extension": "1002"}}
NOW = 1_790_000_000.0
DAY = 86400.0


def prompt(name, *languages):
    return {language: f"callcenter/ivr-{name}-{language}" for language in languages or ("en",)}


def main_menu(version=7, **overrides):
    """Welcome, office hours, VIP lookup, a menu (1 support, 2 sales, 9 voicemail,
    direct dial of 4 digits), support with a rating after the agent."""
    nodes = {
        "10": {"id": "10", "kind": "play", "prompt": prompt("welcome"), "say": None, "next": "11"},
        "11": {"id": "11", "kind": "time", "calendar": "5", "open": "12", "closed": "19"},
        "12": {"id": "12", "kind": "menu", "prompt": prompt("menu"), "timeout_ms": 3000,
               "digit_timeout_ms": 2000, "max_digits": 1, "attempts": 2,
               "invalid_prompt": prompt("invalid"), "timeout_prompt": prompt("timeout"),
               "options": {"1": "13", "2": "14", "9": "19"}, "direct_dial": True,
               "direct_dial_format": "Local/{ext}@agents/n", "extension_length": 4,
               "failure": "15"},
        "13": {"id": "13", "kind": "queue", "queue": "support", "priority": 1, "vip_priority": 5,
               "lookup_timeout_ms": 1500, "max_wait": 120, "next": "16", "failure": "19"},
        "14": {"id": "14", "kind": "queue", "queue": "sales", "priority": 0, "vip_priority": None,
               "lookup_timeout_ms": 1000, "max_wait": 60, "next": None, "failure": None},
        "15": {"id": "15", "kind": "hangup", "prompt": prompt("goodbye")},
        "16": {"id": "16", "kind": "rating", "prompt": prompt("rate"),
               "thanks_prompt": prompt("thanks"), "timeout_ms": 3000, "attempts": 2,
               "next": None},
        "19": {"id": "19", "kind": "voicemail", "prompt": prompt("leave-message"),
               "max_seconds": 30, "agent": None, "queue": 2, "next": None},
    }
    definition = {"id": version, "ivr": 3, "name": "Main menu", "start": "10",
                  "default_language": "en", "fallback_queue": "support", "nodes": nodes}
    definition.update(overrides)
    return definition


def open_calendar(now=NOW):
    """Open from an hour ago to an hour from now, and the next days 9-17."""
    intervals = [[now - 3600, now + 3600]] + [
        [now + day * DAY - 3600 * 3, now + day * DAY + 3600 * 5] for day in range(1, 5)]
    return {"name": "Business hours", "until": now + 60 * DAY, "intervals": intervals}


def runtime(version=7, calendar=None, stamp="s1", sounds=None, **routes):
    return {
        "stamp": stamp, "fallback": {"queue": "support", "timeout": 300},
        "routes": {"400": {"type": "ivr", "ivr": 3, "version": version,
                           "fallback_queue": "support"},
                   "4005": {"type": "queue", "queue": "billing"}, **routes},
        "calendars": {"5": open_calendar() if calendar is None else calendar},
        "sounds": sounds or {},
    }


class FakeOdoo:
    """Odoo's JSON-RPC as the connector calls it, with knobs for latency and outages."""

    def __init__(self, definitions=None, runtime_config=None, port=0):
        self.definitions = {str(k): v for k, v in (definitions or {7: main_menu()}).items()}
        self.runtime = runtime_config or runtime()
        self.stamp = self.runtime["stamp"]
        self.lookup_answers = {}
        self.lookup_delay = 0.0
        self.latency = 0.0
        self.delays = {}
        self.down = False
        self.unavailable = set()
        self.sound_files = {}
        self.facts = []
        self.calls = []
        self.last_seq = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def publish(self, version, definition, stamp):
        """A new version goes live on DID 400; the stamp changes with it."""
        with self.lock:
            self.definitions[str(version)] = definition
            self.runtime = {**self.runtime, "stamp": stamp, "routes": {
                **self.runtime["routes"],
                "400": {**self.runtime["routes"]["400"], "version": version}}}
            self.stamp = stamp

    def ivr_facts(self):
        with self.lock:
            return [fact for fact in self.facts if fact["type"] == "ivr"]

    def called(self, method):
        with self.lock:
            return sum(1 for name in self.calls if name == method)

    # --- the JSON-RPC methods ------------------------------------------------------------

    def config(self):
        return {"pbx_id": 1, "last_seq": self.last_seq, "agents": AGENTS, "queues": {},
                "ivr_stamp": self.stamp}

    def execute(self, method, args):
        if method == "search":
            return [1]
        if method == "callcenter_connector_config":
            return self.config()
        if method == "callcenter_ingest":
            fresh = [fact for fact in args[1] if fact["seq"] > self.last_seq]
            self.facts.extend(fresh)
            if fresh:
                self.last_seq = max(fact["seq"] for fact in fresh)
            return {"applied": len(fresh), "last_seq": self.last_seq, "config": self.config()}
        if method == "callcenter_ring":
            return {"rung": len(args[1])}
        if method == "callcenter_ivr_runtime":
            return self.runtime
        if method == "callcenter_ivr_definitions":
            return {str(v): self.definitions[str(v)] for v in args[1]
                    if str(v) in self.definitions}
        if method == "callcenter_ivr_sounds":
            return {name: base64.b64encode(self.sound_files[name]).decode()
                    for name in args[1] if name in self.sound_files}
        if method == "callcenter_ivr_lookup":
            return self.lookup_answers.get(args[1], {"known": False, "partner_id": None,
                                                     "vip": False, "blacklisted": False,
                                                     "last_agent_dial": None,
                                                     "last_agent_available": False})
        raise KeyError(method)

    def _handler(self):
        odoo = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                params = body["params"]
                if odoo.down:
                    return self._answer(503, {"error": "down"})
                if params["service"] == "common":
                    return self._answer(200, {"jsonrpc": "2.0", "id": body["id"], "result": 2})
                method, args = params["args"][4], params["args"][5]
                if method in odoo.unavailable:
                    return self._answer(503, {"error": "down"})
                with odoo.lock:
                    odoo.calls.append(method)
                delay = odoo.latency + odoo.delays.get(method, 0.0) + (
                    odoo.lookup_delay if method == "callcenter_ivr_lookup" else 0.0)
                if delay:
                    time.sleep(delay)
                with odoo.lock:
                    try:
                        result = odoo.execute(method, args)
                    except KeyError:
                        return self._answer(200, {"jsonrpc": "2.0", "id": body["id"], "error": {
                            "message": "Odoo Server Error",
                            "data": {"name": "AttributeError", "message": method}}})
                self._answer(200, {"jsonrpc": "2.0", "id": body["id"], "result": result})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def sha1(data):
    return hashlib.sha1(data).hexdigest()


# --- the Asterisk side of FastAGI ---------------------------------------------------------------


class AsteriskSide:
    """One AGI() of the generated dialplan, answering commands like Asterisk 22.

    `keys` are the caller's answers, one per key request (STREAM FILE with escape
    digits, WAIT FOR DIGIT, RECORD FILE): "" lets the request time out, a key not
    in a prompt's escape digits waits for the WAIT FOR DIGIT that follows.
    `hangup_at` hangs up when that many commands have been answered.
    """

    def __init__(self, port, did="400", version="", resume="", queue_status="",
                 dial_status="", linkedid="1790000000.1", *, keys=(), caller="+8613800138000",
                 uniqueid="1790000000.2", language="en", hangup_at=None, record="dtmf",
                 record_seconds=6.0, variables=None):
        self.port = port
        self.env = {
            "agi_network": "yes", "agi_network_script": "callcenter-ivr",
            "agi_request": f"agi://127.0.0.1:{port}/callcenter-ivr",
            "agi_channel": "Local/400@inbound-00000001;2", "agi_language": language,
            "agi_type": "Local", "agi_uniqueid": uniqueid, "agi_version": "22.10.1",
            "agi_callerid": caller, "agi_calleridname": "Zhang Wei", "agi_context": "callcenter-ivr",
            "agi_extension": did, "agi_priority": "8",
        }
        for index, value in enumerate((did, version, resume, queue_status, dial_status,
                                       linkedid), 1):
            self.env[f"agi_arg_{index}"] = value
        self.keys = list(keys)
        self.hangup_at = hangup_at
        self.record, self.record_seconds = record, record_seconds
        self.commands = []
        self.variables = dict(variables or {})
        self.hung_up = False

    async def run(self, timeout=10.0):
        return await asyncio.wait_for(self._run(), timeout)

    async def _run(self):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write("".join(f"{k}: {v}\n" for k, v in self.env.items()).encode() + b"\n")
        await writer.drain()
        while True:
            line = await reader.readline()
            if not line:
                break
            command = line.decode().rstrip("\n")
            self.commands.append(command)
            if self.hangup_at is not None and len(self.commands) > self.hangup_at:
                self.hung_up = True
                writer.write(b"HANGUP\n")
                await writer.drain()
                break
            writer.write((self.answer(command) + "\n").encode())
            await writer.drain()
        writer.close()
        return self

    def _next_key(self):
        return self.keys.pop(0) if self.keys else ""

    def answer(self, command):
        words = shlex.split(command)
        name = " ".join(words[:2]).upper()
        if name == "STREAM FILE":
            escape = words[3] if len(words) > 3 else ""
            if self.keys and self.keys[0] and self.keys[0][0] in escape:
                return f"200 result={ord(self._next_key()[0])} endpos=4000"
            return "200 result=0 endpos=8000"
        if name == "WAIT FOR":
            key = self._next_key()
            return f"200 result={ord(key[0])}" if key else "200 result=0"
        if name == "SET VARIABLE":
            self.variables[words[2]] = words[3]
            return "200 result=1"
        if name == "GET VARIABLE":
            value = self.variables.get(words[2])
            return f"200 result=1 ({value})" if value is not None else "200 result=0"
        if name == "RECORD FILE":
            samples = int(self.record_seconds * 8000)
            if self.record == "hangup":
                self.hung_up = True
                return f"200 result=-1 (hangup) endpos={samples}\nHANGUP"
            if self.record == "dtmf":
                return f"200 result=35 (dtmf) endpos={samples}"
            return f"200 result=0 (timeout) endpos={samples}"
        if name.startswith("SAY"):
            return "200 result=0"
        return "510 Invalid or unknown command"


# --- the connector ------------------------------------------------------------------------------


def connector_config(tmp_path, odoo_url, ami_port, **settings):
    values = {
        "ami_port": ami_port, "ami_secret": "odoo", "command_token": "t",
        "command_bind": "127.0.0.1:0", "fastagi_bind": "127.0.0.1:0",
        "spool_dir": str(tmp_path / "spool"), "pbx_id": 1, "ami_ping_seconds": 1,
        "batch_max_delay_ms": 20, "odoo_url": odoo_url, "odoo_api_key": "k",
        "odoo_timeout_seconds": 2, **settings,
    }
    return Config.from_mapping({key: value for key, value in values.items() if value is not None})


@contextlib.asynccontextmanager
async def running_connector(tmp_path, odoo_url, pbx=None, clock=time.time, wait_start=True,
                            **settings):
    """The whole connector (its real OdooClient) against `odoo_url`; AMI on `pbx`, whose
    IVR calls reach the connector's FastAGI server."""
    own_pbx = pbx is None
    if own_pbx:
        pbx = await SimulatorServer().start()
    service = ConnectorService(connector_config(tmp_path, odoo_url, pbx.port, **settings),
                               clock=clock)
    starting = asyncio.ensure_future(service.start())
    try:
        if wait_start:
            await asyncio.wait_for(starting, 10)
        else:
            await until(lambda: service.fastagi.server is not None)
        service.starting = starting
        pbx.use_fastagi("127.0.0.1", service.fastagi.port)
        yield service
    finally:
        if not starting.done():
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
        await service.stop()
        if own_pbx:
            await pbx.stop()


async def until(condition, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def flows_ready(service, stamp=None):
    await until(lambda: service.flows.runtime is not None
                and (stamp is None or service.flows.stamp == stamp))


def run_async(test):
    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        asyncio.run(asyncio.wait_for(test(*args, **kwargs), 60))
    return wrapper
