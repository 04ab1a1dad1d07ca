"""The ASGI application: routes under the flavour's path prefixes, and errors in the vendor's
shape."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from starlette.datastructures import State
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, Router
from starlette.types import Lifespan, Message, Receive, Scope, Send

from numbersmith.api import errors, forms, openapi
from numbersmith.api.applications import Applications
from numbersmith.api.auth import Authenticator
from numbersmith.api.available_numbers import AvailablePhoneNumbers
from numbersmith.api.incoming_numbers import IncomingPhoneNumbers
from numbersmith.api.projects import PREFIX as OWN_API
from numbersmith.api.projects import Projects
from numbersmith.api.representation import Representation, json_response
from numbersmith.api.traffic import Traffic
from numbersmith.config import Settings
from numbersmith.dashboard import app as dashboard
from numbersmith.provisioning import flavor as database_flavor
from numbersmith.provisioning.errors import ProvisioningError
from numbersmith.provisioning.supply import supply_named
from numbersmith.store import Database, DatabaseUnavailable
from numbersmith.traffic.delivery import Allowlist, Courier
from numbersmith.traffic.simulation import Simulator

log = logging.getLogger("numbersmith")
#: Where numbersmith's own routes are, and no other route is.
_OWN_PATHS = OWN_API + "/"


def _api_error(exc: errors.ApiError) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="numbersmith"'} if exc.status == 401 else None
    return errors.error_response(exc.status, exc.code, exc.message, headers)


def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return _api_error(errors.not_found(request.url.path))
    if exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}"
        return errors.error_response(405, errors.METHOD_NOT_ALLOWED, message)
    return errors.error_response(exc.status_code, errors.INVALID_PARAMETER, str(exc.detail))


def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return errors.error_response(500, errors.INTERNAL_ERROR, "Internal server error")


def _unavailable(request: Request, exc: DatabaseUnavailable) -> Response:
    """503: the database has a fault. One line in the log; its start and end are logged by the
    store, and a traceback would say nothing about it."""
    log.warning("%s %s answered 503: %s", request.method, request.url.path, exc.fault.cause)
    return errors.database_unavailable(
        reads_work=exc.fault.reads_work, outcome_unknown=exc.outcome_unknown
    )


def _refusal(request: Request, exc: Exception) -> Response | None:
    """The answer to an error raised on purpose; None for anything else, a fault of ours."""
    if isinstance(exc, errors.ApiError):
        return _api_error(exc)
    if isinstance(exc, ProvisioningError):
        return _api_error(errors.from_provisioning(exc, forms.wire_name, request.url.path))
    if isinstance(exc, HTTPException):  # no such route (404), or not with this method (405)
        return _http_error(request, exc)
    return None


class Application:
    """The ASGI application: Starlette's router, and every error answered in the vendor's shape.

    Not a Starlette application: that wraps each request in two error-handling middlewares,
    each wrapping every message sent and one building a Request of its own, ~6 µs a request.
    One ``try`` around the router does the same work here.
    """

    def __init__(self, routes: list[BaseRoute], lifespan: Lifespan[Application]) -> None:
        self.router = Router(routes, lifespan=lifespan)
        # numbersmith's own routes share a prefix that no other route's path can match: a
        # request under it tries only them. The router tries routes in order, and an inbound
        # message's route came ninth, after the vendors' (~4 µs of matching).
        self._own_router = Router(
            [r for r in routes if isinstance(r, Route) and r.path.startswith(_OWN_PATHS)]
        )
        self.state = State()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # With the application in the scope, the router raises HTTPException for an unknown
        # route or method rather than answering in plain text itself.
        scope["app"] = self
        if scope["type"] != "http":  # lifespan
            await self.router(scope, receive, send)
            return
        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        router = self._own_router if scope["path"].startswith(_OWN_PATHS) else self.router
        try:
            await router(scope, receive, send_noting_start)
        except Exception as exc:
            if started:
                raise  # too late to answer with an error; the server logs it
            request = Request(scope)
            if isinstance(exc, DatabaseUnavailable):
                answer = _unavailable(request, exc)
            else:
                answer = _refusal(request, exc) or _server_error(request, exc)
            # Not raised again once answered, as Starlette would: uvicorn would log it a second
            # time and then close the connection, and a client that sent its next request on it
            # meanwhile would get no answer at all.
            await answer(scope, receive, send)


#: How often the journal forgets what is older than NUMBERSMITH_JOURNAL_DAYS.
PRUNE_INTERVAL = 600.0


async def _prune_journal(simulator: Simulator, days: float) -> None:
    """Forget old journal entries at start, then every PRUNE_INTERVAL seconds."""
    while True:
        try:
            pruned = await simulator.prune(days)
            if pruned:
                log.info("journal: forgot %d exchanges older than %g days", pruned, days)
        except Exception:  # the next round tries again; serving goes on meanwhile
            log.warning("journal pruning failed", exc_info=True)
        await asyncio.sleep(PRUNE_INTERVAL)


def create_app(settings: Settings | None = None, database: Database | None = None) -> Application:
    """The application; migrations and first-run setup happen before it is served (see cli).

    The flavour is the database's, fixed now if the database has none yet; one other than the
    database's raises ``provisioning.flavor.FlavorMismatch``.
    """
    settings = settings or Settings.from_environment()
    db = database or Database(settings.database_url)
    flavor = database_flavor.settle(db, settings.flavor)
    representation = Representation.of(flavor)
    auth = Authenticator(db)
    supply = supply_named(settings.supply)
    numbers = IncomingPhoneNumbers(db, auth, supply, representation)
    available = AvailablePhoneNumbers(db, auth, supply, representation)
    allow = Allowlist.parse(settings.webhook_allow) if settings.webhook_allow else None
    courier = Courier(flavor=flavor.name, allow=allow)
    simulator = Simulator(db, courier, flavor)
    traffic = Traffic(simulator, auth)

    async def healthz(request: Request) -> Response:
        fault = await db.health()
        if fault is None:
            return json_response({"status": "ok"})
        log.warning("GET /healthz answered 503: %s", fault.cause)
        reads = "reads still work" if fault.reads_work else "reads fail too"
        return errors.service_unavailable(f"Database fault ({reads}): {fault.cause}")

    # Routes are tried in order, so the ones clients call most come first.
    routes: list[BaseRoute] = [
        *numbers.routes(),
        *available.routes(),
        *Applications(db, auth, representation).routes(),
        *traffic.routes(),
        *Projects(db, auth, settings.admin_token).routes(),
        Route("/healthz", healthz, methods=["GET"]),
        *openapi.routes(),
        # Pages come last: a request of the API never tries their patterns.
        *dashboard.routes(db, auth, supply, settings.supply, simulator, flavor),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Application) -> AsyncIterator[None]:
        if database is None:
            db.start_background_checkpoints()
        # Everything loaded so far (libphonenumber's metadata above all) lives as long as the
        # process: keep it out of the collector's full passes, which otherwise stall the loop.
        gc.freeze()
        # Requests leave almost no cycles behind, yet a purchase allocates dozens of objects the
        # collector tracks, so at the default threshold (700) it ran every few purchases. A young
        # collection costs what is alive when it runs (the requests in flight), whatever the
        # threshold, so running it a fourteenth as often saved 3 µs a purchase.
        gc.set_threshold(10_000, 10, 10)
        pruning = asyncio.create_task(_prune_journal(simulator, settings.journal_days))
        yield
        pruning.cancel()
        await courier.aclose()
        if database is None:
            await db.close()

    app = Application(routes, lifespan)
    app.state.database = db
    app.state.flavor = flavor.name
    return app
