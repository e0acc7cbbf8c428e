"""The IVR runtime: flows edited in Odoo (`callcenter_ivr`), run on the FastAGI server.

    schedule.py  is a calendar open now (pure)
    nodes.py     what a node's settings mean: prompts, keys, branches (pure)
    engine.py    one AGI session interpreted node by node, ending in an `ivr` fact
    runtime.py   the `callcenter-ivr` FastAGI script around the sessions
    flows.py     runtime configuration and definitions: memory, Odoo, ivr-cache.json
    sounds.py    prompt files kept in step with Odoo
    lookups.py   caller lookups and HTTP nodes on their own threads

The wire contract with Odoo is connector/IVR.md.
"""

from .flows import FlowCache
from .lookups import Lookups
from .runtime import IvrRuntime
from .sounds import SoundSync

__all__ = ["FlowCache", "IvrRuntime", "Lookups", "SoundSync"]
