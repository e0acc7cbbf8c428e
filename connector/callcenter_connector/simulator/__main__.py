"""`python -m callcenter_connector.simulator`: the demo PBX.

    python -m callcenter_connector.simulator --port 5038 --secret odoo \\
        --agents 1001:"Alice Martin",1002:"Li Wei" --queues support=1001,1002 \\
        --traffic support=60 --speed 1

runs a simulated Asterisk until SIGINT or SIGTERM. The command line is parsed
into a frozen `SimulatorConfig`; the secret may also come from the
`CALLCENTER_SIMULATOR_SECRET` environment variable and is never logged.
"""

import argparse
import asyncio
import logging
import os
import signal
import sys
from dataclasses import dataclass

from .model import STRATEGIES
from .server import SimulatorServer
from .traffic import TrafficModel

_logger = logging.getLogger(__name__)

SECRET_ENV = "CALLCENTER_SIMULATOR_SECRET"
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class SimulatorConfig:
    host: str = "127.0.0.1"
    port: int = 5038
    username: str = "odoo"
    secret: str = "odoo"
    speed: float = 1.0
    agents: tuple = ()
    queues: tuple = ()
    traffic: tuple = ()
    strategy: str = "ringall"
    ring_seconds: float = 3.0
    fastagi: tuple = ("127.0.0.1", 4573)
    mean_talk: float = 180.0
    mean_patience: float = 60.0
    seed: int = 1
    log_level: str = "INFO"


def parse_pairs(text, separator, what):
    """`1001:Alice,1002:Bob` -> (("1001", "Alice"), ("1002", "Bob"))."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.partition(separator)
        if not sep or not key.strip():
            raise argparse.ArgumentTypeError(f"bad {what} {item!r}")
        pairs.append((key.strip(), value.strip().strip('"\'')))
    return tuple(pairs)


def parse_queue(text):
    """`support=1001,1002` -> ("support", ("1001", "1002"))."""
    name, sep, members = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"bad queue {text!r}, expected name=ext,ext")
    return name.strip(), tuple(m.strip() for m in members.split(",") if m.strip())


def parse_address(text):
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"bad address {text!r}, expected host:port")
    return host or "127.0.0.1", int(port)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m callcenter_connector.simulator",
        description="A simulated Asterisk 22 (AMI and FastAGI) for demos and tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5038)
    parser.add_argument("--username", default="odoo")
    parser.add_argument("--secret", help=f"AMI secret (default: ${SECRET_ENV} or 'odoo')")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="virtual seconds per real second")
    parser.add_argument("--agents", type=lambda t: parse_pairs(t, ":", "agent"), default=(),
                        help='ext:"Name",ext:"Name"')
    parser.add_argument("--queues", type=parse_queue, action="append", default=[],
                        help="name=ext,ext (repeat for more queues)")
    parser.add_argument("--strategy", default="ringall", choices=STRATEGIES)
    parser.add_argument("--traffic", type=lambda t: parse_pairs(t, "=", "traffic"),
                        default=(), help="queue=calls_per_hour,…")
    parser.add_argument("--ring-seconds", type=float, default=3.0,
                        help="how long agents' phones ring before they answer")
    parser.add_argument("--fastagi", type=parse_address, default=("127.0.0.1", 4573))
    parser.add_argument("--mean-talk", type=float, default=180.0)
    parser.add_argument("--mean-patience", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-level", default="INFO")
    return parser


def config_from_args(argv=None, environ=None):
    """Parses and validates the command line (errors exit with the usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    agents = {extension for extension, _ in args.agents}
    queues = {name for name, _ in args.queues}
    for name, members in args.queues:
        unknown = set(members) - agents
        if unknown:
            parser.error(f"queue {name}: unknown agents {', '.join(sorted(unknown))}")
    try:
        traffic = tuple((queue, float(rate)) for queue, rate in args.traffic)
    except ValueError:
        parser.error("traffic rates must be numbers of calls per hour")
    for queue, _ in traffic:
        if queue not in queues:
            parser.error(f"traffic for queue {queue}, which --queues does not define")
    if args.speed <= 0:
        parser.error("--speed must be positive")
    return SimulatorConfig(
        host=args.host, port=args.port, username=args.username,
        secret=args.secret or environ.get(SECRET_ENV) or "odoo", speed=args.speed,
        agents=args.agents, queues=tuple(args.queues), traffic=traffic,
        strategy=args.strategy, ring_seconds=args.ring_seconds, fastagi=args.fastagi,
        mean_talk=args.mean_talk, mean_patience=args.mean_patience, seed=args.seed,
        log_level=args.log_level.upper(),
    )


def build_server(config):
    server = SimulatorServer(config.host, config.port, config.username, config.secret,
                             config.speed, fastagi_address=config.fastagi, seed=config.seed)
    for extension, name in config.agents:
        server.add_agent(extension, name or f"Agent {extension}", config.ring_seconds, None)
    for name, members in config.queues:
        did = server.add_queue(name, config.strategy, members)
        _logger.info("queue %s reachable on DID %s", name, did)
    return server


async def serve(config):
    """Runs until SIGINT/SIGTERM; the handlers only set the stop event."""
    server = build_server(config)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    driver = None
    if config.traffic:
        model = TrafficModel(queues=dict(config.traffic), mean_talk=config.mean_talk,
                             mean_patience=config.mean_patience, seed=config.seed)
        driver = server.start_traffic(model)
    await stop.wait()
    _logger.info("stopping the simulated Asterisk")
    if driver is not None:
        driver.stop()
    try:
        await asyncio.wait_for(server.stop(), STOP_TIMEOUT)
    except TimeoutError:
        _logger.warning("shutdown took longer than %ss", STOP_TIMEOUT)
    return 0


def main(argv=None):
    config = config_from_args(argv)
    logging.basicConfig(level=config.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return asyncio.run(serve(config))


if __name__ == "__main__":
    sys.exit(main())
