"""numbersmith in a test suite: a real server for the session and a fresh project for each test.

pytest loads ``numbersmith.testing.plugin`` by itself once numbersmith is installed (the
``numbersmith`` fixture); unittest and scripts use ``server()``::

    import numbersmith.testing

    with numbersmith.testing.server() as s:
        project = s.new_project()
        client = project.twilio_client()

Standard library only, so that the plugin can run attached to a server in an environment that
lacks the server's dependencies.
"""

from numbersmith.testing.project import NumbersmithError, Project, SDKNotInstalled
from numbersmith.testing.servers import Server, ServerFailed, attach, server, start

__all__ = [
    "NumbersmithError",
    "Project",
    "SDKNotInstalled",
    "Server",
    "ServerFailed",
    "attach",
    "server",
    "start",
]
