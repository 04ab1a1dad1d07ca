"""The ASGI application: routes under both path prefixes, and errors in the vendor's shape."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from numbersmith.api import errors, forms, openapi
from numbersmith.api.auth import Authenticator
from numbersmith.api.available_numbers import AvailablePhoneNumbers
from numbersmith.api.incoming_numbers import IncomingPhoneNumbers
from numbersmith.api.representation import API_VERSION, json_response
from numbersmith.config import Settings
from numbersmith.provisioning.errors import ProvisioningError
from numbersmith.provisioning.supply import supply_named
from numbersmith.store import Database

log = logging.getLogger("numbersmith")

#: Every SDK sends the first; SignalWire documents the second. Routes are tried in order, so the
#: one clients use most comes first.
PREFIXES = (f"/{API_VERSION}", f"/api/laml/{API_VERSION}")


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.ApiError)
    headers = {"WWW-Authenticate": 'Basic realm="numbersmith"'} if exc.status == 401 else None
    return errors.error_response(exc.status, exc.code, exc.message, headers)


async def _provisioning_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProvisioningError)
    return await _api_error(request, errors.from_provisioning(exc, forms.wire_name, request.url.path))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return await _api_error(request, errors.not_found(request.url.path))
    if exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}"
        return errors.error_response(405, errors.METHOD_NOT_ALLOWED, message)
    return errors.error_response(exc.status_code, errors.INVALID_PARAMETER, str(exc.detail))


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return errors.error_response(500, errors.INTERNAL_ERROR, "Internal server error")


def create_app(settings: Settings | None = None, database: Database | None = None) -> Starlette:
    """The application; migrations and first-run setup happen before it is served (see cli)."""
    settings = settings or Settings.from_environment()
    db = database or Database(settings.database_url)
    auth = Authenticator(db)
    supply = supply_named(settings.supply)
    numbers = IncomingPhoneNumbers(db, auth, supply)
    available = AvailablePhoneNumbers(db, auth, supply)

    async def healthz(request: Request) -> Response:
        try:
            await db.ping()
        except Exception:
            log.exception("health check failed")
            return errors.error_response(503, errors.INTERNAL_ERROR, "The database is unavailable")
        return json_response({"status": "ok"})

    routes: list[BaseRoute] = []
    for prefix in PREFIXES:
        routes += numbers.routes(prefix)
        routes += available.routes(prefix)
    routes += [Route("/healthz", healthz, methods=["GET"]), *openapi.routes()]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if database is None:
            db.start_background_checkpoints()
        # Everything loaded so far (libphonenumber's metadata above all) lives as long as the
        # process: keep it out of the collector's full passes, which otherwise stall the loop.
        gc.freeze()
        yield
        if database is None:
            db.dispose()

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            errors.ApiError: _api_error,
            ProvisioningError: _provisioning_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.database = db
    return app
