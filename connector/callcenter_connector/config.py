"""Connector settings: command line, then CALLCENTER_* environment, then ini file, then defaults.

Built once at start and frozen. Secrets (AMI secret, Odoo API key, command
token) come from the environment or the file only, and never appear in logs.
"""

import argparse
import configparser
import os
from dataclasses import dataclass, field, fields

ENV_PREFIX = "CALLCENTER_"
SECRETS = frozenset({"ami_secret", "odoo_api_key", "command_token"})


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Config:
    ami_host: str = "127.0.0.1"
    ami_port: int = 5038
    ami_user: str = "odoo"
    ami_secret: str = field(default="", repr=False)
    ami_ping_seconds: float = 10.0
    ami_reconnect_max_seconds: float = 30.0
    odoo_url: str = "http://127.0.0.1:8069"
    odoo_db: str = "callcenter"
    odoo_user: str = "connector"
    odoo_api_key: str = field(default="", repr=False)
    odoo_timeout_seconds: float = 10.0
    pbx_id: int = 0
    spool_dir: str = "var/connector-spool"
    batch_max_facts: int = 500
    batch_max_delay_ms: int = 100
    command_bind: str = "127.0.0.1:8765"
    command_token: str = field(default="", repr=False)
    fastagi_bind: str = "127.0.0.1:4573"
    recordings_dir: str = ""
    recording_max_bytes: int = 64 * 1024 * 1024
    sounds_dir: str = ""
    voicemail_path: str = "/var/spool/asterisk/monitor"
    ivr_lookup_threads: int = 8
    outbound_context: str = "outbound"
    transfer_context: str = "internal"
    inbound_contexts: str = "inbound,from-trunk,from-pstn,from-external,from-did"
    simulator: bool = False
    simulator_traffic: str = "support=60,sales=30,ivr=20"
    log_level: str = "INFO"
    trace_ami: bool = False

    @classmethod
    def from_env_and_file(cls, argv=None, environ=None):
        environ = os.environ if environ is None else environ
        parser = argparse.ArgumentParser(prog="callcenter_connector", description=__doc__.splitlines()[0])
        parser.add_argument("-c", "--config", help="ini file with a [connector] section")
        for item in fields(cls):
            if item.name in SECRETS:
                continue
            flag = "--" + item.name.replace("_", "-")
            if item.type is bool or item.type == "bool":
                parser.add_argument(flag, action="store_const", const="true", default=None)
            else:
                parser.add_argument(flag, default=None)
        args = parser.parse_args(argv)
        values = {}
        config_file = args.config or environ.get(ENV_PREFIX + "CONFIG")
        if config_file:
            ini = configparser.ConfigParser()
            if not ini.read(config_file):
                raise ConfigError(f"cannot read configuration file {config_file}")
            if ini.has_section("connector"):
                values.update(ini.items("connector"))
        for item in fields(cls):
            env_value = environ.get(ENV_PREFIX + item.name.upper())
            if env_value is not None:
                values[item.name] = env_value
            cli_value = getattr(args, item.name, None)
            if cli_value is not None:
                values[item.name] = cli_value
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values):
        known = {item.name: item for item in fields(cls)}
        unknown = set(values) - set(known)
        if unknown:
            raise ConfigError("unknown settings: " + ", ".join(sorted(unknown)))
        typed = {}
        for name, raw in values.items():
            kind = known[name].type
            try:
                if kind in (bool, "bool"):
                    typed[name] = str(raw).strip().lower() in ("1", "true", "yes", "on")
                elif kind in (int, "int"):
                    typed[name] = int(raw)
                elif kind in (float, "float"):
                    typed[name] = float(raw)
                else:
                    typed[name] = str(raw)
            except ValueError:
                raise ConfigError(f"setting {name}: {raw!r} is not a valid {kind}") from None
        config = cls(**typed)
        config.validate()
        return config

    def validate(self):
        for name in ("command_bind", "fastagi_bind"):
            host, _sep, port = getattr(self, name).rpartition(":")
            if not host or not port.isdigit():
                raise ConfigError(f"setting {name} must be host:port, not {getattr(self, name)!r}")
        if self.batch_max_facts < 1 or self.batch_max_delay_ms < 1:
            raise ConfigError("batch_max_facts and batch_max_delay_ms must be positive")
        if self.ivr_lookup_threads < 1:
            raise ConfigError("ivr_lookup_threads must be at least 1")
        if not self.simulator and not self.ami_secret:
            raise ConfigError("CALLCENTER_AMI_SECRET is not set (or use --simulator)")
        if not self.command_token:
            raise ConfigError("CALLCENTER_COMMAND_TOKEN is not set: Odoo authenticates its "
                              "commands with it (the PBX's Connector Token)")

    def endpoint(self, name):
        host, _sep, port = getattr(self, name).rpartition(":")
        return host, int(port)

    def describe(self):
        """Settings for the start-up log line, secrets masked."""
        return {item.name: ("***" if item.name in SECRETS and getattr(self, item.name) else
                            getattr(self, item.name)) for item in fields(self)}
