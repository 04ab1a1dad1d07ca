"""numbersmith: a self-hosted, Twilio/SignalWire-compatible phone-number service."""

__version__ = "0.1.0"
