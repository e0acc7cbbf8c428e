# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import socket
import threading
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import callcenter_pbx
from .common import CallcenterCommon


class LoopbackAmi:
    """A one-connection AMI peer on 127.0.0.1 answering Login as Asterisk does."""

    def __init__(self, banner=b"Asterisk Call Manager/11.0.0\r\n", secret="s3cret", silent=False):
        self.banner, self.secret, self.silent = banner, secret, silent
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.server.settimeout(5)
        try:
            conn, _addr = self.server.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5)
            if self.silent:
                conn.recv(1024)
                return
            conn.sendall(self.banner)
            try:
                while b"\r\n\r\n" not in self.received:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    self.received += chunk
            except OSError:
                return
            if f"Secret: {self.secret}\r\n".encode() in self.received:
                conn.sendall(b"Response: Success\r\nActionID: probe-1\r\n"
                             b"Message: Authentication accepted\r\n\r\n")
                conn.sendall(b"Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n")
            else:
                conn.sendall(b"Response: Error\r\nActionID: probe-1\r\n"
                             b"Message: Authentication failed\r\n\r\n")

    def close(self):
        self.server.close()
        self.thread.join(2)


@tagged("callcenter")
class TestCallcenterPbx(CallcenterCommon):
    def _test_against(self, peer):
        self.addCleanup(peer.close)
        self.pbx.ami_port = peer.port
        return self.pbx.action_test_connection()

    def test_connection_ok(self):
        result = self._test_against(LoopbackAmi())
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("AMI 11.0.0", self.pbx.last_check_message)

    def test_wrong_secret(self):
        with self.assertRaisesRegex(UserError, "login refused for user 'odoo': Authentication failed"):
            self._test_against(LoopbackAmi(secret="other"))

    def test_not_an_ami(self):
        with self.assertRaisesRegex(UserError, "not an Asterisk manager interface"):
            self._test_against(LoopbackAmi(banner=b"SSH-2.0-OpenSSH_9.2\r\n"))

    def test_no_answer_within_timeout(self):
        with patch.object(callcenter_pbx, "PROBE_TIMEOUT_SECONDS", 0.5), \
                self.assertRaisesRegex(UserError, "stopped answering|did not answer|no answer"):
            self._test_against(LoopbackAmi(silent=True))

    def test_connection_refused(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.pbx.ami_port = port
        with self.assertRaisesRegex(UserError, f"cannot connect to 127.0.0.1:{port}"):
            self.pbx.action_test_connection()

    def test_secret_only_for_admins(self):
        pbx = self.pbx.with_user(self.user_manager)
        self.assertEqual(pbx.name, "Test PBX")
        with self.assertRaises(AccessError):
            pbx.read(["ami_secret"])
        self.assertEqual(self.pbx.ami_secret, "s3cret")

    def test_agents_cannot_test_connection(self):
        with self.assertRaises(AccessError):
            self.pbx.with_user(self.user_agent).action_test_connection()
