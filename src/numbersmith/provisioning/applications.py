"""Use cases for a project's applications: create, fetch, update, delete, list; and the lookup
the delivery of traffic uses to find an application's URLs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from numbersmith.flavors import SIGNALWIRE, Flavor
from numbersmith.provisioning import errors
from numbersmith.provisioning.clock import now
from numbersmith.provisioning.model import APPLICATION_DEFAULTS, Application, check_settings
from numbersmith.store import Database, Transaction
from numbersmith.store import applications as store


def _checked(settings: Mapping[str, Any], name_required: bool = True) -> dict[str, Any]:
    """Valid settings; the name is required, on every change as at creation, where the flavour
    requires it (SignalWire's does, Twilio's does not)."""
    if name_required and "friendly_name" not in settings:
        raise errors.FriendlyNameRequired("friendly_name")
    return check_settings(settings)


def _new(
    project_id: str,
    settings: Mapping[str, Any],
    new_sid: Callable[[], str] = SIGNALWIRE.new_application_sid,
    sid: str | None = None,
) -> Application:
    moment = now()
    return Application(
        id=0,  # assigned by the store
        sid=sid or new_sid(),
        project_id=project_id,
        # No name, where none is required, is an empty one.
        **{"friendly_name": "", **APPLICATION_DEFAULTS, **settings},
        date_created=moment,
        date_updated=moment,
    )


async def create(
    db: Database,
    project_id: str,
    settings: Mapping[str, Any],
    *,
    flavor: Flavor = SIGNALWIRE,
) -> Application:
    """A new application of the project, with a sid of the flavour's form; ``friendly_name`` is
    required where the flavour requires it."""
    checked = _checked(settings, flavor.application_name_required)
    application = _new(project_id, checked, flavor.new_application_sid)
    await db.run(lambda tx: store.insert(tx, application), write=True)
    return application


def add(
    tx: Transaction,
    project_id: str,
    settings: Mapping[str, Any],
    flavor: Flavor,
    *,
    sid: str | None = None,
) -> Application:
    """``create`` within a unit of work of the caller's (the command line's, a seed's, which
    may fix the ``sid``)."""
    checked = _checked(settings, flavor.application_name_required)
    application = _new(project_id, checked, flavor.new_application_sid, sid)
    store.insert(tx, application)
    return application


def read(tx: Transaction, project_id: str, sid: str) -> Application | None:
    """The project's application ``sid``, within a unit of work of the caller's."""
    return store.get(tx, project_id, sid)


async def get(db: Database, project_id: str, sid: str) -> Application | None:
    """The project's application ``sid``, or None: what a number's ``VoiceApplicationSid`` or
    ``SmsApplicationSid`` hands its calls or messages to."""
    return await db.run(lambda tx: store.get(tx, project_id, sid))


async def fetch(db: Database, project_id: str, sid: str) -> Application:
    application = await get(db, project_id, sid)
    if application is None:
        raise errors.NoSuchApplication(sid)
    return application


async def update(
    db: Database,
    project_id: str,
    sid: str,
    settings: Mapping[str, Any],
    *,
    flavor: Flavor = SIGNALWIRE,
) -> Application:
    """Change the settings given; ``friendly_name`` is required where the flavour requires it.
    ``date_updated`` moves."""
    checked = _checked(settings, flavor.application_name_required)

    def work(tx: Transaction) -> Application:
        application = store.get(tx, project_id, sid, for_update=True)
        if application is None:
            raise errors.NoSuchApplication(sid)
        updated = application.with_settings(checked, max(now(), application.date_updated + 1))
        store.save_settings(tx, updated)
        return updated

    return await db.run(work, write=True)


async def delete(db: Database, project_id: str, sid: str) -> None:
    """Delete the application. The project's numbers that name it stop naming it, in the same
    transaction: their calls and messages go to their own URLs again."""

    def work(tx: Transaction) -> None:
        application = store.get(tx, project_id, sid, for_update=True)
        if application is None:
            raise errors.NoSuchApplication(sid)
        store.forget(tx, project_id, sid, now())
        store.delete(tx, application)

    await db.run(work, write=True)


async def page(
    db: Database,
    project_id: str,
    friendly_name: str | None,
    *,
    size: int,
    after: int | None = None,
    before: int | None = None,
) -> tuple[list[Application], bool]:
    """A page of applications, newest first, and whether more lie beyond it in that direction."""

    def work(tx: Transaction) -> tuple[list[Application], bool]:
        found = store.page(
            tx, project_id, friendly_name, limit=size + 1, after=after, before=before
        )
        more = len(found) > size
        if more:
            found = found[1:] if before is not None else found[:size]
        return found, more

    return await db.run(work)
