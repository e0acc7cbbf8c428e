"""IVR prompts as files in Asterisk's sounds folder, kept in step with Odoo.

The runtime configuration lists every prompt (`callcenter/ivr-12-en-3f2a9c1b`)
with the SHA-1 of its WAV file. After each refresh the files that are missing
or differ are fetched from Odoo in small batches and written atomically, so
Asterisk never plays half a file. This runs in the refresher's task, never
while a caller waits; hashing and writing happen on a worker thread.
"""

import asyncio
import base64
import binascii
import hashlib
import logging
import re
from pathlib import Path

from ..adapters.odoo import OdooRejected
from .flows import atomic_write

_logger = logging.getLogger(__name__)

SOUND_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}){0,7}$")
FETCH_BATCH = 20


class SoundSync:
    def __init__(self, directory, odoo, pbx_id=lambda: 0):
        self.directory = Path(directory) if directory else None
        self.odoo = odoo
        self.pbx_id = pbx_id
        self.written = 0
        self._hashes = {}

    async def sync(self, sounds):
        """Fetch and write what differs from `sounds` ({name: sha1}); returns the count.

        Odoo unreachable midway raises OdooUnavailable: the refresher retries later."""
        if self.directory is None or not isinstance(sounds, dict) or not sounds:
            return 0
        wanted = {name: str(checksum).lower() for name, checksum in sounds.items()
                  if self._valid(name)}
        stale = await asyncio.to_thread(self._stale, wanted)
        written = 0
        for start in range(0, len(stale), FETCH_BATCH):
            names = stale[start:start + FETCH_BATCH]
            try:
                files = await self.odoo.ivr_sounds(self.pbx_id(), names)
            except OdooRejected as exc:
                _logger.error("IVR prompts %s refused by Odoo: %s", ", ".join(names), exc)
                continue
            if not isinstance(files, dict):
                _logger.error("callcenter_ivr_sounds did not answer an object")
                continue
            written += await asyncio.to_thread(self._write_all, files, wanted, names)
        if written:
            _logger.info("IVR prompts: %d written to %s", written, self.directory)
        self.written += written
        return written

    def _valid(self, name):
        if isinstance(name, str) and SOUND_NAME.match(name) and ".." not in name.split("/"):
            return True
        _logger.warning("IVR prompt name %r refused: not a plain relative sound name", name)
        return False

    def path(self, name):
        return self.directory / f"{name}.wav"

    def _stale(self, wanted):
        return [name for name, checksum in sorted(wanted.items())
                if self._checksum(self.path(name)) != checksum]

    def _checksum(self, path):
        """SHA-1 of a file, remembered while its size and mtime stay the same."""
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_size, stat.st_mtime_ns)
        known = self._hashes.get(path)
        if known and known[0] == key:
            return known[1]
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
        self._hashes[path] = (key, digest)
        return digest

    def _write_all(self, files, wanted, names):
        written = 0
        for name in names:
            encoded = files.get(name)
            if not encoded:
                _logger.warning("IVR prompt %s: Odoo sent no file", name)
                continue
            try:
                data = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError, TypeError):
                _logger.warning("IVR prompt %s: not base64", name)
                continue
            if hashlib.sha1(data).hexdigest() != wanted[name]:
                _logger.warning("IVR prompt %s: content does not match its checksum; not written",
                                name)
                continue
            atomic_write(self.path(name), data)
            written += 1
        return written

