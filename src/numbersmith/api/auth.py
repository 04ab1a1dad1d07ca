"""HTTP Basic authentication: the project id and an API token holding the route's scope."""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request

from numbersmith.api.errors import authentication_failed
from numbersmith.provisioning import accounts
from numbersmith.store import Database


def _credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    project_id, separator, token = decoded.partition(":")
    return (project_id, token) if separator else None


async def authorize(request: Request, db: Database, account_sid: str, scope: str) -> str:
    """The project the request acts for; refuses (401/20003) anything but its own account.

    Wrong credentials, a token without ``scope`` and another project's AccountSid in the path all
    get the same answer, so that a caller learns nothing about accounts that are not its own.
    """
    credentials = _credentials(request)
    if credentials is None:
        raise authentication_failed()
    principal = await accounts.authenticate(db, *credentials)
    if principal is None or scope not in principal.scopes or principal.project_id != account_sid:
        raise authentication_failed()
    return principal.project_id
