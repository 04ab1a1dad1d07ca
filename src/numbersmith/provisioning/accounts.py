"""Projects and their API tokens: create, ensure, revoke, authenticate."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from numbersmith.provisioning import applications
from numbersmith.provisioning.clock import now
from numbersmith.store import Database, Transaction
from numbersmith.store import accounts as store

#: SignalWire's token scopes.
SCOPES = (
    "calling",
    "chat",
    "datasphere",
    "fax",
    "management",
    "messaging",
    "numbers",
    "pubsub",
    "storage",
    "tasking",
    "video",
)


class UnknownScope(ValueError):
    pass


class UnknownProject(LookupError):
    pass


class TokenOfAnotherProject(ValueError):
    """A token given for one project already opens another."""


@dataclass(frozen=True, slots=True)
class Credentials:
    project_id: str
    api_token: str
    signing_key: str


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request authenticated as."""

    project_id: str
    scopes: frozenset[str]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return "PT" + secrets.token_hex(32)


def _checked_scopes(scopes: Iterable[str]) -> str:
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in SCOPES]
    if unknown or not chosen:
        raise UnknownScope(", ".join(unknown) or "no scope given")
    return " ".join(chosen)


def _new_signing_key() -> str:
    return "PSK_" + secrets.token_urlsafe(24)


def _create_project(
    tx: Transaction, name: str, project_id: str, token: str, signing_key: str | None = None
) -> Credentials:
    signing_key = signing_key or _new_signing_key()
    store.insert_project(tx, project_id, name, signing_key, now())
    store.insert_token(tx, _hash(token), project_id, " ".join(SCOPES), now())
    return Credentials(project_id, token, signing_key)


def _new_project(tx: Transaction, name: str) -> Credentials:
    return _create_project(tx, name, str(uuid.uuid4()), _new_token())


def create_project(db: Database, name: str) -> Credentials:
    """A new project with one token holding every scope."""
    return db.run_sync(lambda tx: _new_project(tx, name), write=True)


async def open_project(db: Database, name: str) -> Credentials:
    """``create_project``, from a request handler (the admin route)."""
    return await db.run(lambda tx: _new_project(tx, name), write=True)


def ensure_project(db: Database, project_id: str, token: str) -> Credentials:
    """Make sure ``project_id`` exists and ``token`` opens it with every scope (fixed CI credentials)."""

    def work(tx: Transaction) -> Credentials:
        project = store.get_project(tx, project_id)
        if project is None:
            return _create_project(tx, "default", project_id, token)
        existing = store.get_token(tx, _hash(token))
        if existing is None or existing[0] != project_id or existing[1] != " ".join(SCOPES):
            store.delete_token(tx, _hash(token))
            store.insert_token(tx, _hash(token), project_id, " ".join(SCOPES), now())
        return Credentials(project_id, token, project[2])

    return db.run_sync(work, write=True)


def seed_project(
    tx: Transaction, project_id: str, name: str, token: str, signing_key: str | None
) -> tuple[Credentials, bool | None]:
    """Make the project exist as a seed names it: its name, its signing key (if given), and
    ``token`` opening it with every scope. Return its credentials and whether it was changed to
    match (None: it was created). Within the caller's unit of work."""
    existing = store.get_token(tx, _hash(token))
    if existing is not None and existing[0] != project_id:
        raise TokenOfAnotherProject(project_id)
    project = store.get_project(tx, project_id)
    if project is None:
        return _create_project(tx, name, project_id, token, signing_key), None
    key = signing_key or project[2]
    changed = (project[1], project[2]) != (name, key)
    if changed:
        store.update_project(tx, project_id, name, key)
    if existing is None or existing[1] != " ".join(SCOPES):
        store.delete_token(tx, _hash(token))
        store.insert_token(tx, _hash(token), project_id, " ".join(SCOPES), now())
        changed = True
    return Credentials(project_id, token, key), changed


def ensure_first_project(db: Database) -> Credentials | None:
    """On an empty database, create a first project; return its credentials (else None)."""

    def work(tx: Transaction) -> Credentials | None:
        if store.has_projects(tx):
            return None
        return _create_project(tx, "default", str(uuid.uuid4()), _new_token())

    return db.run_sync(work, write=True)


def create_token(db: Database, project_id: str, scopes: Iterable[str]) -> tuple[str, list[str]]:
    scope_text = _checked_scopes(scopes)
    token = _new_token()

    def work(tx: Transaction) -> None:
        if store.get_project(tx, project_id) is None:
            raise UnknownProject(project_id)
        store.insert_token(tx, _hash(token), project_id, scope_text, now())

    db.run_sync(work, write=True)
    return token, scope_text.split()


def revoke_token(db: Database, token: str) -> bool:
    return db.run_sync(lambda tx: store.delete_token(tx, _hash(token)), write=True)


def create_application(db: Database, project_id: str, friendly_name: str) -> str:
    """A new application of the project with default settings; its sid."""

    def work(tx: Transaction) -> str:
        if store.get_project(tx, project_id) is None:
            raise UnknownProject(project_id)
        return applications.add(tx, project_id, {"friendly_name": friendly_name}).sid

    return db.run_sync(work, write=True)


async def authenticate(db: Database, project_id: str, token: str) -> Principal | None:
    """The principal that ``project_id``:``token`` (HTTP Basic) stands for, or None."""
    return await authenticate_digest(db, project_id, _hash(token))


def token_digest(token: str) -> str:
    """What is stored of a token, and all a dashboard session keeps of it."""
    return _hash(token)


async def authenticate_digest(db: Database, project_id: str, digest: str) -> Principal | None:
    """``authenticate``, given the token's digest (``token_digest``) rather than the token."""
    found = await db.run(lambda tx: store.get_token(tx, digest))
    if found is None or not hmac.compare_digest(found[0].encode(), project_id.encode()):
        return None
    return Principal(found[0], frozenset(found[1].split()))


async def signing_key(db: Database, project_id: str) -> str | None:
    """The project's signing key (it never changes once the project exists), or None."""
    project = await db.run(lambda tx: store.get_project(tx, project_id))
    return project[2] if project else None
