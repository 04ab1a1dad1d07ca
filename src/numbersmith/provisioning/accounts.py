"""Projects and their API tokens: create, ensure, revoke, authenticate.

In Twilio's flavour a project's id is its account sid (``AC…``), its first token is its auth
token, and the auth token is also its signing key (Twilio signs webhooks with it), so the project
keeps it where SignalWire's keeps its ``PSK_…`` key; it also has test credentials.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from numbersmith.flavors import SIGNALWIRE, Flavor
from numbersmith.provisioning import applications, flavor
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
    #: Twilio's test credentials (a second account sid and auth token); None in SignalWire's.
    test_project_id: str | None = None
    test_api_token: str | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request authenticated as: a project, or (``test``) a project's test credentials,
    whose ``project_id`` is then the test account sid."""

    project_id: str
    scopes: frozenset[str]
    test: bool = False


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return SIGNALWIRE.new_auth_token()


def _checked_scopes(scopes: Iterable[str]) -> str:
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in SCOPES]
    if unknown or not chosen:
        raise UnknownScope(", ".join(unknown) or "no scope given")
    return " ".join(chosen)


def _create_project(
    tx: Transaction,
    name: str,
    project_id: str | None = None,
    token: str | None = None,
    signing_key: str | None = None,
) -> Credentials:
    """A project of the database's flavour, with fresh identifiers where none are given (a seed
    may fix the signing key too, except in Twilio's flavour, where it is the auth token)."""
    kind: Flavor = flavor.of(tx)
    project_id = project_id or kind.new_account_sid()
    token = token or kind.new_auth_token()
    if kind.signs_with_auth_token:
        signing_key = token
    signing_key = signing_key or kind.new_signing_key()
    store.insert_project(tx, project_id, name, signing_key, now())
    store.insert_token(tx, _hash(token), project_id, " ".join(SCOPES), now())
    if not kind.has_test_credentials:
        return Credentials(project_id, token, signing_key)
    test_sid, test_token = kind.new_account_sid(), kind.new_auth_token()
    store.insert_test_credentials(tx, test_sid, project_id, _hash(test_token), now())
    return Credentials(project_id, token, signing_key, test_sid, test_token)


def create_project(db: Database, name: str) -> Credentials:
    """A new project with one token holding every scope (and, in Twilio's flavour, its test
    credentials)."""
    return db.run_sync(lambda tx: _create_project(tx, name), write=True)


async def open_project(db: Database, name: str) -> Credentials:
    """``create_project``, from a request handler (the admin route)."""
    return await db.run(lambda tx: _create_project(tx, name), write=True)


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
        return _create_project(tx, "default")

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
        settings = {"friendly_name": friendly_name}
        return applications.add(tx, project_id, settings, flavor.of(tx)).sid

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
    if found is None:
        # Only credentials that are no API token get this far: test credentials, or wrong ones.
        test = await db.run(lambda tx: store.get_test_credentials(tx, digest))
        if test is None or not hmac.compare_digest(test[0].encode(), project_id.encode()):
            return None
        return Principal(test[0], frozenset(), test=True)
    if not hmac.compare_digest(found[0].encode(), project_id.encode()):
        return None
    return Principal(found[0], frozenset(found[1].split()))


async def signing_key(db: Database, project_id: str) -> str | None:
    """The project's signing key (it never changes once the project exists), or None."""
    project = await db.run(lambda tx: store.get_project(tx, project_id))
    return project[2] if project else None
