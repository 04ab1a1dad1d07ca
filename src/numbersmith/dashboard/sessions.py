"""Dashboard sessions: a signed cookie, and the CSRF token of every form that changes something.

The cookie holds the project id, the digest of the API token signed in with (never the token
itself) and a random nonce, signed with a key derived from the project's signing key. That key
is stored with the project and never changes, so every server process on one database accepts
the others' cookies with nothing more to share or configure. Each page request checks the
token through the Authenticator again, which remembers a success for one second: a revoked
token ends its sessions within a second.

The CSRF token is an HMAC of the session's nonce: a form's hidden ``csrf_token`` must carry it.
Signing out deletes the cookie; a copy taken before keeps working until the token is revoked or
the cookie is MAX_AGE old.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "numbersmith_session"
#: How long a session lasts at most, in seconds.
MAX_AGE = 12 * 3600
_SALT = "numbersmith.dashboard.session"


@dataclass(frozen=True, slots=True)
class Session:
    project_id: str
    token_digest: str
    nonce: str


def _serializer(signing_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_key, salt=_SALT)


def new(project_id: str, token_digest: str) -> Session:
    return Session(project_id, token_digest, secrets.token_urlsafe(16))


def project_of(cookie: str) -> str | None:
    """The project a cookie claims to belong to, unverified: whose key to check it with."""
    project_id, separator, _ = cookie.partition(":")
    return project_id if separator and 0 < len(project_id) <= 64 else None


def encode(session: Session, signing_key: str) -> str:
    signed = _serializer(signing_key).dumps([session.token_digest, session.nonce])
    return f"{session.project_id}:{signed}"


def decode(cookie: str, signing_key: str) -> Session | None:
    """The session a cookie holds, if its signature is the project's and it is not too old."""
    project_id, _, signed = cookie.partition(":")
    try:
        digest, nonce = _serializer(signing_key).loads(signed, max_age=MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(digest, str) or not isinstance(nonce, str):
        return None
    return Session(project_id, digest, nonce)


def csrf_token(session: Session, signing_key: str) -> str:
    key = hashlib.sha256(("csrf " + signing_key).encode()).digest()
    return hmac.new(key, session.nonce.encode(), hashlib.sha256).hexdigest()


def csrf_valid(session: Session, signing_key: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(csrf_token(session, signing_key), given)
