"""Make the connector package importable for the pure-Python tier."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "connector"))

TRANSCRIPTS = ROOT.parent / "shared" / "asterisk" / "transcripts"
