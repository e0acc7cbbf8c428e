"""`python -m callcenter_connector -c connector.conf`: run the connector until SIGINT/SIGTERM."""

import asyncio
import logging
import signal
import sys

from .config import Config, ConfigError
from .logging_config import configure_logging
from .service import ConnectorService

_logger = logging.getLogger("callcenter_connector")


async def serve(config):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    simulator = None
    service = ConnectorService(config)
    if config.simulator:
        from .demo_pbx import start_demo_pbx

        simulator = await start_demo_pbx(config, service.odoo)
    await service.start()
    _logger.info("connector running: AMI %s:%s%s, Odoo %s (%s)", config.ami_host, config.ami_port,
                 " (built-in simulator)" if simulator else "", config.odoo_url, config.odoo_db)
    await stop.wait()
    _logger.info("stopping")
    await service.stop()
    if simulator:
        await simulator.stop()


def main(argv=None):
    try:
        config = Config.from_env_and_file(argv)
    except ConfigError as exc:
        print(f"callcenter_connector: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, config.trace_ami)
    _logger.info("settings: %s", config.describe())
    asyncio.run(serve(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
