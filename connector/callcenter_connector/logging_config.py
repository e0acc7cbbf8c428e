"""Logging configured once at start; TRACE (below DEBUG) shows raw AMI frames."""

import logging
import logging.config

TRACE = 5
logging.addLevelName(TRACE, "TRACE")


def configure_logging(level="INFO", trace_ami=False):
    logging.config.dictConfig({
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "default"},
        },
        "root": {"handlers": ["console"], "level": level.upper()},
        "loggers": {
            "callcenter_connector.adapters.ami.frames": {
                "level": TRACE if trace_ami else "WARNING",
            },
            "panoramisk": {"level": "WARNING"},
        },
    })
