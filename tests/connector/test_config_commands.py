"""Settings precedence and validation; the command endpoint's HTTP handling."""

import asyncio
import json

import pytest

from callcenter_connector.adapters.command_server import CommandServer
from callcenter_connector.config import Config, ConfigError

BASE_ENV = {"CALLCENTER_AMI_SECRET": "s", "CALLCENTER_COMMAND_TOKEN": "t"}


def test_precedence_cli_env_file_defaults(tmp_path):
    ini = tmp_path / "connector.conf"
    ini.write_text("[connector]\nami_host = 10.0.0.9\nami_port = 5039\nodoo_db = fromfile\n")
    env = {**BASE_ENV, "CALLCENTER_AMI_PORT": "6000", "CALLCENTER_ODOO_DB": "fromenv"}
    config = Config.from_env_and_file(["-c", str(ini), "--odoo-db", "fromcli"], env)
    assert (config.ami_host, config.ami_port, config.odoo_db) == ("10.0.0.9", 6000, "fromcli")
    assert config.batch_max_delay_ms == 100


def test_secrets_are_masked_and_required():
    config = Config.from_env_and_file([], {**BASE_ENV, "CALLCENTER_ODOO_API_KEY": "k"})
    assert "s" not in repr(config) or "ami_secret" not in repr(config)
    assert config.describe()["odoo_api_key"] == "***"
    with pytest.raises(ConfigError, match="AMI_SECRET"):
        Config.from_env_and_file([], {"CALLCENTER_COMMAND_TOKEN": "t"})
    with pytest.raises(ConfigError, match="not a valid"):
        Config.from_env_and_file([], {**BASE_ENV, "CALLCENTER_AMI_PORT": "x"})
    with pytest.raises(ConfigError, match="host:port"):
        Config.from_env_and_file(["--command-bind", "8765"], BASE_ENV)


async def _request(port, raw):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    data = await reader.read()
    writer.close()
    head, _sep, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body)


def _post(body, token="secret"):
    payload = json.dumps(body).encode()
    return (b"POST /v1/commands HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(payload)).encode()
            + b"\r\n\r\n" + payload)


def test_command_server_auth_and_bad_input():
    calls = []

    async def dispatch(action, params):
        calls.append((action, params))
        return {"ok": True}

    async def scenario():
        server = CommandServer("127.0.0.1", 0, "secret", dispatch)
        await server.start()
        try:
            results = [
                await _request(server.port, _post({"action": "hangup", "params": {"linkedid": "1"}})),
                await _request(server.port, _post({"action": "hangup"}, token="wrong")),
                await _request(server.port, b"GET /v1/commands HTTP/1.1\r\n\r\n"),
                await _request(server.port, b"POST /v1/commands HTTP/1.1\r\nAuthorization: Bearer secret"
                               b"\r\nContent-Length: 5\r\n\r\n{nope"),
                await _request(server.port, b"POST /v1/commands HTTP/1.1\r\nAuthorization: Bearer secret"
                               b"\r\nContent-Length: 99999999\r\n\r\n"),
                await _request(server.port, b"garbage\r\n\r\n"),
            ]
        finally:
            await server.stop()
        return results
    results = asyncio.run(scenario())
    assert [status for status, _ in results] == [200, 401, 405, 400, 413, 400]
    assert calls == [("hangup", {"linkedid": "1"})]
