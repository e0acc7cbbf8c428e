"""An asyncio AMI server that behaves like Asterisk 22, backed by the simulated PBX.

`SimulatorServer` accepts any number of manager sessions, authenticates them
like manager.conf (`odoo`/`odoo` by default), answers actions through
`manager.handle_action` and sends every event to every logged-in session
with events on. Calls run in the PBX's virtual time, which advances `speed`
times faster than the loop's clock; Timestamps stay in PBX time, so a test
at speed 100 sees the same Timestamps as a real 1x call would give.
"""

import asyncio
import logging
import time

from callcenter_connector.protocol.ami import encode_message

from . import manager, operations
from .action_framing import ActionFramer, FrameProblem
from .fastagi import FastAgiConnector
from .inbound import route_exists
from .pbx import DEFAULT_FASTAGI, Pbx
from .traffic import TrafficDriver

_logger = logging.getLogger(__name__)

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
READ_CHUNK = 65536
MAX_PENDING_BYTES = 4 * 1024 * 1024
STOP_TIMEOUT = 5.0


class AmiSession:
    """One manager connection: its login, its event switch and its socket."""

    def __init__(self, server, reader, writer, number):
        self.server = server
        self.reader = reader
        self.writer = writer
        self.number = number
        self.framer = ActionFramer()
        self.authenticated = False
        self.events_on = True
        self.closed = False

    @property
    def wants_events(self):
        return self.authenticated and self.events_on and not self.closed

    def send(self, message):
        try:
            self.send_bytes(encode_message(message))
        except ValueError:
            _logger.exception("unencodable AMI message %s", message.get("Event"))

    def send_bytes(self, data):
        if self.closed or self.writer.is_closing():
            return
        self.writer.write(data)
        if self.writer.transport.get_write_buffer_size() > MAX_PENDING_BYTES:
            _logger.warning("AMI session %s does not read its events; closing it", self.number)
            self.close()

    def close(self):
        if not self.closed:
            self.closed = True
            self.writer.close()

    async def run(self):
        self.writer.write(BANNER)
        try:
            while not self.closed:
                data = await self.reader.read(READ_CHUNK)
                if not data:
                    break
                for item in self.framer.feed(data):
                    if isinstance(item, str):
                        self._reject(item)
                    elif self.handle(item):
                        await self.writer.drain()
                        return
                await self.writer.drain()
        except (ConnectionError, OSError) as exc:
            _logger.info("AMI session %s lost: %s", self.number, exc)
        finally:
            self.close()
            self.server.forget(self)

    def _reject(self, problem):
        reply = {"Response": "Error"}
        if isinstance(problem, FrameProblem) and problem.action_id:
            reply["ActionID"] = problem.action_id
        reply["Message"] = str(problem)
        self.send(reply)

    def handle(self, action):
        """Answers one action; returns True when the session must end."""
        name = str(action.get("action", "")).strip().lower()
        if name == "login":
            return self._login(action)
        if name == "logoff":
            self.send(manager.response(action, "Goodbye", "Thanks for all the fish."))
            return True
        if not self.authenticated:
            self.send(manager.error(action, "Permission denied"))
            return False
        if name == "events":
            self.events_on = _events_wanted(action.get("eventmask", "on"))
            self.send(manager.response(action, Events="On" if self.events_on else "Off"))
            return False
        self.server.advance()
        try:
            manager.handle_action(self.server.pbx, action, self.send)
        except Exception:
            _logger.exception("action %s failed", name)
            self.send(manager.error(action, "Internal simulator error"))
        self.server.kick()
        return False

    def _login(self, action):
        server = self.server
        if action.get("username") != server.username or action.get("secret") != server.secret:
            self.send(manager.error(action, "Authentication failed"))
            return True
        self.authenticated = True
        self.events_on = _events_wanted(action.get("events", "on"))
        self.send(manager.response(action, message="Authentication accepted"))
        if self.events_on:
            self.send({"Event": "FullyBooted", "Privilege": "system,all",
                       "Uptime": str(int(server.virtual_now() - server.pbx.boot_time)),
                       "LastReload": str(int(server.virtual_now() - server.pbx.boot_time)),
                       "Status": "Fully Booted"})
        server.announce_login(self)
        return False


def _events_wanted(value):
    return str(value).strip().lower() not in ("off", "no", "false", "0", "")


class SimulatorServer:
    """A simulated Asterisk 22 on `host:port` (port 0: any free port, see `.port`)."""

    def __init__(self, host="127.0.0.1", port=0, username="odoo", secret="odoo", speed=1.0,
                 *, fastagi_address=DEFAULT_FASTAGI, start_time=None, seed=0,
                 agent_complete_race=0.0, monitor_dir=None):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.host = host
        self.port = port
        self.username = username
        self.secret = secret
        self.speed = float(speed)
        options = {"monitor_dir": monitor_dir} if monitor_dir else {}
        start = time.time() if start_time is None else float(start_time)
        self.pbx = Pbx(start, self._publish, seed=seed, fastagi=tuple(fastagi_address),
                       agent_complete_race=agent_complete_race, **options)
        self.pbx.agi_connector = FastAgiConnector(self, tuple(fastagi_address))
        self.pbx.observers.append(self)
        self._epoch = start
        self._anchor = None
        self._server = None
        self._sessions = set()
        self._session_count = 0
        self._tasks = set()
        self._session_tasks = set()
        self._wakeup = None
        self._clock_task = None
        self._idle_waiters = []

    # --- lifecycle ------------------------------------------------------------

    async def start(self):
        loop = asyncio.get_running_loop()
        self._anchor = loop.time()
        self._wakeup = asyncio.Event()
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self._clock_task = self.spawn(self._run_clock(), "simulator clock")
        _logger.info("simulated Asterisk listening on %s:%s (speed %s)",
                     self.host, self.port, self.speed)
        return self

    async def stop(self):
        """Stops accepting, closes the sessions, then cancels what still runs."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for session in list(self._sessions):
            session.close()
        if self._session_tasks:
            await asyncio.wait(list(self._session_tasks), timeout=STOP_TIMEOUT)
        tasks = [task for task in self._tasks if not task.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=STOP_TIMEOUT)

    def spawn(self, coroutine, name):
        """Starts a task, keeps its reference and logs its failure."""
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task):
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _logger.error("task %s failed", task.get_name(), exc_info=task.exception())

    # --- virtual time -----------------------------------------------------------

    def virtual_now(self):
        if self._anchor is None:
            return self._epoch
        return self._epoch + (asyncio.get_running_loop().time() - self._anchor) * self.speed

    def advance(self):
        """Runs every PBX timer due by now; a failing step is logged and skipped."""
        target = self.virtual_now()
        while True:
            try:
                self.pbx.clock.run_until(target)
                return
            except Exception:
                _logger.exception("simulated PBX step failed")

    def kick(self):
        """Something was scheduled: the clock task recomputes its next wake-up."""
        if self._wakeup is not None:
            self._wakeup.set()

    async def _run_clock(self):
        while True:
            self.advance()
            deadline = self.pbx.clock.next_deadline()
            delay = None
            if deadline is not None:
                delay = max(0.0, (deadline - self.virtual_now()) / self.speed)
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), delay)
            except TimeoutError:
                pass

    async def sleep_virtual(self, seconds):
        """Sleeps `seconds` of PBX time."""
        await asyncio.sleep(max(0.0, seconds) / self.speed)
        self.advance()

    # --- sessions ---------------------------------------------------------------

    async def _accept(self, reader, writer):
        self._session_count += 1
        session = AmiSession(self, reader, writer, self._session_count)
        self._sessions.add(session)
        task = asyncio.current_task()
        self._session_tasks.add(task)
        try:
            await session.run()
        except Exception:
            _logger.exception("AMI session %s failed", session.number)
        finally:
            self._session_tasks.discard(task)

    def forget(self, session):
        self._sessions.discard(session)

    def announce_login(self, session):
        now = self.virtual_now()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + (
            f".{int(now % 1 * 1000):03d}+0000")
        peer = session.writer.get_extra_info("peername") or ("127.0.0.1", 0)
        self.advance()
        self.pbx.events.emit("SuccessfulAuth", "security,all", {
            "EventTV": stamp, "Severity": "Informational", "Service": "AMI",
            "EventVersion": "1", "AccountID": self.username,
            "SessionID": f"0x{id(session):x}",
            "LocalAddress": f"IPV4/TCP/{self.host}/{self.port}",
            "RemoteAddress": f"IPV4/TCP/{peer[0]}/{peer[1]}", "UsingPassword": "0",
            "SessionTV": stamp,
        })

    def _publish(self, message):
        try:
            data = encode_message(message)
        except ValueError:
            _logger.exception("unencodable event %s", message.get("Event"))
            return
        for session in list(self._sessions):
            if session.wants_events:
                session.send_bytes(data)

    def drop_clients(self):
        """Closes every AMI connection (calls go on), to test reconnects."""
        for session in list(self._sessions):
            session.close()

    @property
    def client_count(self):
        return sum(1 for session in self._sessions if not session.closed)

    # --- the PBX model, for tests and demos -----------------------------------------

    def add_agent(self, extension, name, ring_seconds=1.0, talk_seconds=4.0):
        """An agent phone `Local/<extension>@agents`; ring_seconds None = never answers,
        talk_seconds None = talks until the caller hangs up."""
        return self.pbx.add_agent(extension, name, ring_seconds, talk_seconds)

    def add_queue(self, name, strategy="ringall", members=(), timeout=15.0, retry=2.0,
                  autopause=False):
        """A queue with static members (agent extensions); returns its DID."""
        self.pbx.add_queue(name, strategy, members, timeout, retry, autopause)
        return self.pbx.line_for_queue(name)

    @property
    def customers(self):
        """How dialed-out numbers behave (`customers.Customers`): per number, by suffix,
        or drawn from a `CustomerModel`."""
        return self.pbx.customers

    def use_fastagi(self, host, port):
        """Point `AGI(agi://…)` at another FastAGI server (one started after this PBX)."""
        self.pbx.fastagi = (host, int(port))
        self.pbx.agi_connector.address = (host, int(port))

    def add_ivr_line(self, did, fallback_queue, timeout=300):
        """A DID routed to the FastAGI IVR as Odoo's generated dialplan does
        (`[callcenter-ivr]`, connector/IVR.md), falling back to `fallback_queue`."""
        return self.pbx.add_ivr_line(did, fallback_queue, timeout)

    async def place_inbound_call(self, did, caller, caller_name, hangup_after=None,
                                 **options):
        """A customer calls `did` (routed as extensions.conf); returns the Linkedid.

        `hangup_after` counts from the moment the line answers, like the
        Originate `Wait(N)` of the recordings; `patience` and `talk_seconds`
        make the customer hang up if no agent answers in time, or after talking.
        `ivr_digits` are the caller's keys, one answer per key request: a string
        ("12") or a list (["1", "", "1001"], "" letting a request time out).
        """
        did = str(did)
        if not route_exists(self.pbx, did):
            raise ValueError(f"no extension {did} in [inbound]")
        self.advance()
        call = operations.place_inbound_call(self.pbx, did, caller, caller_name, hangup_after,
                                             **options)
        self.kick()
        return call.linkedid

    def calls_in_progress(self):
        """Linkedids of the calls that still have channels."""
        return sorted(call.linkedid for call in self.pbx.calls)

    async def wait_idle(self, timeout=None):
        """Waits until no call is in progress."""
        if not self.pbx.calls:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._idle_waiters.append(waiter)
        await asyncio.wait_for(waiter, timeout)

    def call_ended(self, call):
        if not self.pbx.calls:
            waiters, self._idle_waiters = self._idle_waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    async def hold_call(self, linkedid, seconds):
        """The agent of `linkedid` puts the caller on hold (the `*7` feature)."""
        self.advance()
        done = operations.hold(self.pbx, linkedid, seconds)
        self.kick()
        return done

    async def run_traffic(self, model, duration, drain=True):
        """Generates `model`'s calls for `duration` PBX seconds; with `drain`,
        then waits for the calls in progress to end. Returns the outcomes."""
        driver = self.start_traffic(model, duration)
        await self.sleep_virtual(duration)
        if drain:
            await self.wait_idle()
        return driver.report()

    def start_traffic(self, model, duration=None):
        """Starts `model` in the background (until `duration`, or `stop()` on the
        returned driver)."""
        self.advance()
        driver = TrafficDriver(self.pbx, model)
        driver.start(duration)
        self.kick()
        return driver
