"""What every page shares: who is signed in, the CSRF check, rendering, and errors as pages."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Router
from starlette.types import Receive, Scope, Send

from numbersmith.api.auth import Authenticator
from numbersmith.dashboard import sessions
from numbersmith.flavors import Flavor
from numbersmith.provisioning import accounts
from numbersmith.provisioning.errors import NoSuchApplication, NumberNotFound
from numbersmith.provisioning.supply import Supply
from numbersmith.store import Database, DatabaseUnavailable
from numbersmith.traffic.simulation import Simulator

log = logging.getLogger("numbersmith")

PREFIX = "/dashboard"
#: The scope every page needs; the applications pages need one of APPLICATION_SCOPES too, the
#: inventory pages ``management``, as the API and the command line ask.
NUMBERS_SCOPE = "numbers"
APPLICATION_SCOPES = frozenset({"calling", "messaging", "fax"})
OPERATOR_SCOPE = "management"

#: Pages load nothing but their own stylesheet, run no script and are never framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("numbersmith.dashboard", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _when(microseconds: int) -> str:
    moment = datetime.fromtimestamp(microseconds / 1_000_000, UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


_templates.filters["when"] = _when


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who is signed in: the project, the token's scopes, and the session's CSRF token."""

    project_id: str
    scopes: frozenset[str]
    csrf_token: str

    @property
    def sees_applications(self) -> bool:
        return not APPLICATION_SCOPES.isdisjoint(self.scopes)

    @property
    def operator(self) -> bool:
        return OPERATOR_SCOPE in self.scopes


class Site:
    """The services pages use, and the machinery around each page."""

    def __init__(
        self,
        db: Database,
        auth: Authenticator,
        supply: Supply,
        supply_name: str,
        simulator: Simulator,
        flavor: Flavor,
    ) -> None:
        self.db = db
        self.auth = auth
        self.supply = supply
        self.supply_name = supply_name
        self.simulator = simulator
        #: What numbers and applications made here look like: their sids, default names.
        self.flavor = flavor
        # Signing keys never change once a project exists: read each once.
        self._signing_keys: dict[str, str] = {}

    async def signing_key(self, project_id: str) -> str | None:
        key = self._signing_keys.get(project_id)
        if key is None:
            key = await accounts.signing_key(self.db, project_id)
            if key is not None:
                self._signing_keys[project_id] = key
        return key

    async def session_of(self, request: Request) -> tuple[sessions.Session, str] | None:
        """The request's valid session and its project's signing key, if it has one."""
        cookie = request.cookies.get(sessions.COOKIE)
        project_id = sessions.project_of(cookie) if cookie else None
        if cookie is None or project_id is None:
            return None
        key = await self.signing_key(project_id)
        session = sessions.decode(cookie, key) if key else None
        return (session, key) if session and key else None

    async def visitor(self, request: Request) -> Visitor | None:
        found = await self.session_of(request)
        if found is None:
            return None
        session, key = found
        principal = await self.auth.session(session.project_id, session.token_digest)
        if principal is None or NUMBERS_SCOPE not in principal.scopes:
            return None  # the token was revoked
        return Visitor(principal.project_id, principal.scopes, sessions.csrf_token(session, key))

    def render(
        self,
        request: Request,
        template: str,
        context: dict[str, Any],
        *,
        visitor: Visitor | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> HTMLResponse:
        html = _templates.get_template(template).render(
            request=request,
            path=request.url.path,
            visitor=visitor,
            inventory_supply=self.supply_name == "inventory",
            prefix=PREFIX,
            **context,
        )
        return HTMLResponse(html, status, headers={**SECURITY_HEADERS, **(headers or {})})

    def problem(
        self,
        request: Request,
        status: int,
        title: str,
        message: str,
        visitor: Visitor | None = None,
        headers: dict[str, str] | None = None,
    ) -> HTMLResponse:
        """An error, as a page."""
        context = {"title": title, "message": message, "status": status}
        return self.render(
            request, "problem.html", context, visitor=visitor, status=status, headers=headers
        )


Handler = Callable[[Request, Visitor], Awaitable[Response]]
FormHandler = Callable[[Request, Visitor, FormData], Awaitable[Response]]


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{PREFIX}/sign-in?next={quote(target)}", 303)


def page(
    site: Site, handler: Handler, scope: str | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """A page that shows something: signed-in visitors only (and holding ``scope``)."""

    async def endpoint(request: Request) -> Response:
        visitor = await site.visitor(request)
        if visitor is None:
            return sign_in_redirect(request)
        refusal = _scope_refusal(site, request, visitor, scope)
        return refusal or await handler(request, visitor)

    return endpoint


def action(
    site: Site, handler: FormHandler, scope: str | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """A form that changes something: signed-in visitors only, with the session's CSRF token;
    refused with 403, and nothing changed, without it."""

    async def endpoint(request: Request) -> Response:
        visitor = await site.visitor(request)
        if visitor is None:
            return sign_in_redirect(request)
        form = await request.form(max_part_size=64 * 1024 * 1024)
        given = form.get("csrf_token")
        if not isinstance(given, str) or not _same(given, visitor.csrf_token):
            return site.problem(
                request,
                403,
                "Form refused",
                "This form was sent without its security token, or with one from another session."
                " Nothing was changed. Reload the page and try again.",
                visitor,
            )
        refusal = _scope_refusal(site, request, visitor, scope)
        return refusal or await handler(request, visitor, form)

    return endpoint


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _scope_refusal(
    site: Site, request: Request, visitor: Visitor, scope: str | None
) -> Response | None:
    if scope == "applications" and not visitor.sees_applications:
        needed = "calling, messaging or fax"
    elif scope == OPERATOR_SCOPE and not visitor.operator:
        needed = OPERATOR_SCOPE
    else:
        return None
    message = f"The token you signed in with does not hold the {needed} scope this page needs."
    return site.problem(request, 403, "Not allowed", message, visitor)


class Pages:
    """The dashboard's router, answering every error as a page rather than as the API's JSON."""

    def __init__(self, site: Site, routes: list[BaseRoute]) -> None:
        self.site = site
        self.router = Router(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def send_noting_start(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.router(scope, receive, send_noting_start)
        except Exception as exc:
            if started:
                raise
            answer = await self._problem(Request(scope), exc)
            await answer(scope, receive, send)

    async def _problem(self, request: Request, exc: Exception) -> Response:
        site = self.site
        if isinstance(exc, DatabaseUnavailable):
            log.warning("%s %s answered 503: %s", request.method, request.url.path, exc.fault.cause)
            message = "The database cannot be reached or cannot store changes at the moment."
            if exc.outcome_unknown:
                message += " The change may or may not have been made: check before trying again."
            else:
                message += " Nothing was changed. Try again in a moment."
            return site.problem(
                request, 503, "Service unavailable", message, headers={"Retry-After": "1"}
            )
        if isinstance(exc, (NumberNotFound, NoSuchApplication)) or (
            isinstance(exc, HTTPException) and exc.status_code == 404
        ):
            return site.problem(
                request, 404, "Not found", f"There is nothing at {request.url.path}."
            )
        if isinstance(exc, HTTPException) and exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}."
            return site.problem(request, 405, "Method not allowed", message)
        if isinstance(exc, HTTPException):
            return site.problem(request, exc.status_code, "Request refused", str(exc.detail))
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return site.problem(
            request,
            500,
            "Something went wrong",
            "The server failed on this page; the fault is logged.",
        )
