"""Telephony connector between Asterisk (AMI, FastAGI) and the Odoo call center addons."""

__version__ = "18.0.1.0.0"
