"""HTTP Basic authentication: the project id and an API token holding the route's scope."""

from __future__ import annotations

import base64
import binascii
import time

from starlette.requests import Request

from numbersmith.api.errors import TEST_CREDENTIALS_REFUSED, ApiError, authentication_failed
from numbersmith.provisioning import accounts
from numbersmith.store import Database

#: How long a successful authentication is remembered: a revoked token stops working within this.
#: Looking the token up costs about a fifth of a fetch, and clients reuse one token for everything.
REMEMBER_SECONDS = 1.0
_REMEMBERED_MAX = 4096


def _credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    project_id, separator, token = decoded.partition(":")
    return (project_id, token) if separator else None


def _refusal(principal: accounts.Principal | None, account_sid: str) -> ApiError:
    """401 (20003) for wrong credentials; 403 (20008), as Twilio answers, for test credentials
    of this account used where they cannot go."""
    if principal is not None and principal.test and principal.project_id == account_sid:
        return ApiError(
            403, TEST_CREDENTIALS_REFUSED, "Resource not accessible with Test Account Credentials"
        )
    return authentication_failed()


def _checked(principal: accounts.Principal | None, account_sid: str, scope: str) -> str:
    """The project of ``principal`` if it may use ``scope`` on ``account_sid``; else refused."""
    if principal is None or scope not in principal.scopes or principal.project_id != account_sid:
        raise _refusal(principal, account_sid)
    return principal.project_id


class Authenticator:
    """Checks requests' credentials, remembering successes for REMEMBER_SECONDS."""

    def __init__(self, db: Database, remember_seconds: float = REMEMBER_SECONDS) -> None:
        self.db = db
        self.remember_seconds = remember_seconds
        self._remembered: dict[str, tuple[accounts.Principal, float]] = {}
        self._sessions: dict[tuple[str, str], tuple[accounts.Principal, float]] = {}

    async def _principal(self, header: str) -> accounts.Principal | None:
        remembered = self._remembered.get(header)
        now = time.monotonic()
        if remembered is not None and remembered[1] > now:
            return remembered[0]
        credentials = _credentials(header)
        if credentials is None:
            return None
        principal = await accounts.authenticate(self.db, *credentials)
        if principal is not None and self.remember_seconds > 0:
            if len(self._remembered) >= _REMEMBERED_MAX:
                self._remembered.clear()
            self._remembered[header] = (principal, now + self.remember_seconds)
        return principal

    async def session(self, project_id: str, digest: str) -> accounts.Principal | None:
        """Who a dashboard session of ``project_id`` holding the token digest ``digest`` acts
        as, or None once the token is revoked; successes remembered as for requests."""
        # Kept apart from the headers remembered: no header can name a session.
        key = (project_id, digest)
        remembered = self._sessions.get(key)
        now = time.monotonic()
        if remembered is not None and remembered[1] > now:
            return remembered[0]
        principal = await accounts.authenticate_digest(self.db, project_id, digest)
        if principal is not None and self.remember_seconds > 0:
            if len(self._sessions) >= _REMEMBERED_MAX:
                self._sessions.clear()
            self._sessions[key] = (principal, now + self.remember_seconds)
        return principal

    async def authorize(self, request: Request, account_sid: str, scope: str) -> str:
        """The project the request acts for; refuses (401/20003) anything but its own account.

        Wrong credentials, a token without ``scope`` and another project's AccountSid in the path
        all get the same answer, so that a caller learns nothing about accounts not its own.
        """
        header = request.headers.get("authorization")
        principal = await self._principal(header) if header else None
        # Checked here rather than by _checked: every request comes this way.
        if (
            principal is None
            or scope not in principal.scopes
            or principal.project_id != account_sid
        ):
            raise _refusal(principal, account_sid)
        return principal.project_id

    async def authorize_purchase(
        self, request: Request, account_sid: str, scope: str
    ) -> tuple[str, bool]:
        """``authorize``, for the one route test credentials may use too: the account, and
        whether it is a project's test account (Twilio's test credentials)."""
        header = request.headers.get("authorization")
        principal = await self._principal(header) if header else None
        if principal is not None and principal.test and principal.project_id == account_sid:
            return account_sid, True
        return _checked(principal, account_sid, scope), False

    async def authorize_any(
        self, request: Request, account_sid: str, scopes: frozenset[str]
    ) -> str:
        """``authorize``, for a route that a token holding any one of ``scopes`` may use."""
        header = request.headers.get("authorization")
        principal = await self._principal(header) if header else None
        if (
            principal is None
            or scopes.isdisjoint(principal.scopes)
            or principal.project_id != account_sid
        ):
            raise _refusal(principal, account_sid)
        return principal.project_id
