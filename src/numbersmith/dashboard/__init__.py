"""The dashboard: server-rendered pages beside the API, calling the same use cases."""
