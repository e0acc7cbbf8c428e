"""A protocol-faithful Asterisk 22 emulator for tests and demos.

`scenarios` renders whole calls as the AMI messages Asterisk emits (pure
functions, checked against the recorded transcripts); `SimulatorServer`
speaks AMI over TCP and plays calls in scaled real time, with FastAGI for the
IVR; `TrafficModel` generates call-center load for demos and soaks;
`Customers` and `CustomerModel` decide how dialed-out numbers answer.
"""

from .customers import CustomerModel, Customers, Outcome
from .server import SimulatorServer
from .traffic import TrafficModel, TrafficReport

__all__ = ["CustomerModel", "Customers", "Outcome", "SimulatorServer", "TrafficModel",
           "TrafficReport"]
