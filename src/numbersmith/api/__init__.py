"""The wire: SignalWire's Compatibility (Twilio 2010-04-01) REST API over Starlette."""
