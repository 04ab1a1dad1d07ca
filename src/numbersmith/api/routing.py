"""Route helpers that keep dispatch cheap: every request pays for each pattern tried before its
own, so each resource path is one route with an optional ``.json`` suffix, whatever its methods."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]


class JsonSuffix(Convertor[str]):
    """``.json`` or nothing: clients use both spellings of every path."""

    regex = r"(?:\.json)?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("json", JsonSuffix())

#: Append to a path whose last segment may carry ``.json``.
SUFFIX = "{suffix:json}"


def resource(path: str, **handlers: Endpoint) -> Route:
    """One route for ``path`` dispatching on the method, e.g. ``resource(p, GET=..., POST=...)``."""

    async def dispatch(request: Request) -> Response:
        # Starlette answers HEAD wherever GET is allowed.
        handler = handlers.get(request.method) or handlers["GET"]
        return await handler(request)

    return Route(path, dispatch, methods=list(handlers))
