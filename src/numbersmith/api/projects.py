"""numbersmith's own routes for test suites, under ``/api/numbersmith/v1``: create a project
(with the server's admin token), and reset one (with the project's own token).

A test suite attached to a running server (the pytest plugin with ``NUMBERSMITH_URL``) gives
each test a project of its own through the first; a suite sharing fixed credentials starts each
test clean with the second.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from numbersmith.api import forms
from numbersmith.api.auth import Authenticator
from numbersmith.api.errors import (
    AUTHENTICATION_FAILED,
    INVALID_FRIENDLY_NAME,
    ApiError,
    authentication_failed,
)
from numbersmith.api.representation import json_response
from numbersmith.api.routing import resource
from numbersmith.provisioning import accounts, reset
from numbersmith.store import Database

SCOPE = "numbers"
PREFIX = "/api/numbersmith/v1"
#: The column's width.
MAX_PROJECT_NAME = 255


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


class Projects:
    """Creating projects (admin) and resetting them (their own token)."""

    def __init__(self, db: Database, auth: Authenticator, admin_token: str | None) -> None:
        self.db = db
        self.auth = auth
        self.admin_token = admin_token

    def _authorize_admin(self, request: Request) -> None:
        if self.admin_token is None:
            raise ApiError(
                401,
                AUTHENTICATION_FAILED,
                "This server creates no projects over HTTP: start it with NUMBERSMITH_ADMIN_TOKEN "
                "set, and send that token as 'Authorization: Bearer <token>'",
            )
        given = _bearer(request)
        if given is None or not hmac.compare_digest(given.encode(), self.admin_token.encode()):
            raise ApiError(
                401,
                AUTHENTICATION_FAILED,
                "Authentication Error - send the server's admin token as 'Authorization: Bearer "
                "<token>'",
            )

    async def create(self, request: Request) -> Response:
        self._authorize_admin(request)
        form = await forms.read_form(request)
        name = form.get("FriendlyName", "test")
        if not name or len(name) > MAX_PROJECT_NAME or "\x00" in name:
            message = f"FriendlyName must be 1 to {MAX_PROJECT_NAME} characters long"
            raise ApiError(400, INVALID_FRIENDLY_NAME, message)
        credentials = await accounts.open_project(self.db, name)
        # The keys of `numbersmith project create --json`.
        body = {
            "project_id": credentials.project_id,
            "api_token": credentials.api_token,
            "signing_key": credentials.signing_key,
        }
        return json_response(body, 201)

    async def reset(self, request: Request) -> Response:
        project = await self.auth.authorize(request, request.path_params["account_sid"], SCOPE)
        try:
            wiped = await reset.reset_project(self.db, project)
        except accounts.UnknownProject:  # deleted since its token was last checked
            raise authentication_failed() from None
        body = {
            "account_sid": project,
            "numbers_released": wiped.numbers,
            "applications_deleted": wiped.applications,
            "exchanges_forgotten": wiped.exchanges,
        }
        return json_response(body)

    def routes(self) -> list[Route]:
        return [
            resource(PREFIX + "/Projects{suffix:json}", POST=self.create),
            resource(PREFIX + "/Accounts/{account_sid}/Reset{suffix:json}", POST=self.reset),
        ]
