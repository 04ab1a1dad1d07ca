"""Use cases for a project's phone numbers: purchase, fetch, update, release, list."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from numbersmith import numbering
from numbersmith.flavors import SIGNALWIRE, Flavor
from numbersmith.provisioning import errors
from numbersmith.provisioning.clock import now
from numbersmith.provisioning.model import (
    APPLICATION_SETTINGS,
    DEFAULT_SETTINGS,
    IncomingNumber,
    check_settings,
)
from numbersmith.provisioning.supply import SYNTHETIC, Supplied, Supply
from numbersmith.store import Database, DuplicateKey, Transaction
from numbersmith.store import applications as application_store
from numbersmith.store import inventory as inventory_store
from numbersmith.store import numbers as store
from numbersmith.store.numbers import ListFilter

_random = random.Random()


def _check_applications(tx: Transaction, project_id: str, settings: Mapping[str, Any]) -> None:
    """The applications named exist, and stay until the number is saved (see applications)."""
    for name in APPLICATION_SETTINGS:
        sid = settings.get(name)
        if sid and not application_store.hold(tx, project_id, sid):
            raise errors.ApplicationNotFound(name)


def _one_write(supply: Supply, settings: Mapping[str, Any]) -> bool:
    """Whether a purchase's one write is the insert of the number, its last statement: then
    its statements need not share a transaction, which on PostgreSQL saves the BEGIN and the
    COMMIT, half its round trips. Not when the supply claims the number in the store, nor when
    an application named must be held until the number is saved."""
    return not supply.claims and not any(settings.get(name) for name in APPLICATION_SETTINGS)


def new_number(
    project_id: str,
    supplied: Supplied,
    settings: Mapping[str, Any],
    flavor: Flavor,
) -> IncomingNumber:
    moment = now()
    e164 = supplied.phone_number
    chosen = {**DEFAULT_SETTINGS, "friendly_name": flavor.default_friendly_name(e164), **settings}
    return IncomingNumber(
        id=0,  # assigned by the store
        sid=flavor.new_number_sid(),
        project_id=project_id,
        phone_number=e164,
        country_code=supplied.country_code,
        origin=supplied.origin,
        beta=True,  # numbers newly bought on SignalWire are marked beta
        capability_voice=supplied.capability_voice,
        capability_sms=supplied.capability_sms,
        capability_mms=supplied.capability_mms,
        capability_fax=supplied.capability_fax,
        date_created=moment,
        date_updated=moment,
        **chosen,
    )


async def purchase(
    db: Database,
    project_id: str,
    *,
    phone_number: str | None = None,
    area_code: str | None = None,
    settings: Mapping[str, Any] | None = None,
    supply: Supply = SYNTHETIC,
    rng: random.Random | None = None,
    flavor: Flavor = SIGNALWIRE,
) -> IncomingNumber:
    """Buy ``phone_number`` exactly, or else a free number in ``area_code``; its sid and default
    name are of the ``flavor``'s form."""
    checked = check_settings(settings or {})
    if phone_number is not None:
        return await _purchase_exact(db, project_id, phone_number, checked, supply, flavor)
    if area_code is not None:
        return await _purchase_in_area_code(
            db, project_id, area_code, checked, supply, rng or _random, flavor
        )
    raise errors.MissingNumberOrAreaCode()


async def _purchase_exact(
    db: Database,
    project_id: str,
    text: str,
    settings: Mapping[str, Any],
    supply: Supply,
    flavor: Flavor,
) -> IncomingNumber:
    try:
        e164 = numbering.parse_e164(text)
    except numbering.InvalidNumber as exc:
        raise errors.InvalidPhoneNumber(text) from exc
    except numbering.NumberNotSupplied as exc:
        raise errors.NumberUnavailable(text) from exc
    space = numbering.area_code_space(e164[2:5])
    assert space is not None  # parse_e164 only accepts numbers of a supplied area code

    def work(tx: Transaction) -> IncomingNumber:
        _check_applications(tx, project_id, settings)
        supplied = supply.take(tx, space, e164)
        if supplied is None:
            raise errors.NumberUnavailable(e164)
        number = new_number(project_id, supplied, settings, flavor)
        store.insert(tx, number)
        return number

    try:
        return await db.run(work, write=True, atomic=not _one_write(supply, settings))
    except DuplicateKey as exc:
        raise errors.NumberUnavailable(e164) from exc


async def _purchase_in_area_code(
    db: Database,
    project_id: str,
    area_code: str,
    settings: Mapping[str, Any],
    supply: Supply,
    rng: random.Random,
    flavor: Flavor,
) -> IncomingNumber:
    space = numbering.area_code_space(area_code.strip())
    if space is None:
        raise errors.InvalidAreaCode(area_code)
    taken: list[str] = []

    def work(tx: Transaction) -> IncomingNumber:
        _check_applications(tx, project_id, settings)
        supplied = supply.take_in(tx, space, rng)
        if supplied is None:
            raise errors.AreaCodeExhausted(area_code)
        taken.append(supplied.phone_number)
        number = new_number(project_id, supplied, settings, flavor)
        store.insert(tx, number)
        return number

    one_write = _one_write(supply, settings)
    drawn = supply.draw(space, rng) if one_write else None
    if drawn is not None:
        # Free, unless the area code is crowded: then the insert finds it owned, and the number
        # is looked for as below. A purchase in one statement, where reading what is owned first
        # made two; on PostgreSQL that is half its round trips.
        number = new_number(project_id, drawn, settings, flavor)
        try:
            await db.run(lambda tx: store.insert(tx, number), write=True, atomic=False)
            return number
        except DuplicateKey:
            pass
    while True:
        try:
            return await db.run(work, write=True, atomic=not one_write)
        except DuplicateKey:
            # Someone owns the number handed out: another buyer took it between our read and our
            # insert (PostgreSQL), or it was bought before it was imported into the inventory.
            # Record that it is owned, then try again: each retry rules out one more number.
            conflicting = taken[-1]
            await db.run(lambda tx: inventory_store.take(tx, conflicting), write=True)  # noqa: B023 - run at once


Known = TypeVar("Known")


async def fetch(
    db: Database,
    project_id: str,
    sid: str,
    known: Callable[[str, int], Known | None] = lambda sid, date_updated: None,
) -> IncomingNumber | Known:
    """The number, or what ``known(sid, date_updated)`` gives for its current version: then
    its row is not read."""

    def work(tx: Transaction) -> IncomingNumber | Known | None:
        key = store.key(tx, project_id, sid)
        if key is None:
            return None
        held = known(key.sid, key.date_updated)
        return held if held is not None else store.get(tx, project_id, sid)

    number = await db.run(work)
    if number is None:
        raise errors.NumberNotFound(sid)
    return number


async def update(
    db: Database, project_id: str, sid: str, settings: Mapping[str, Any]
) -> IncomingNumber:
    """Change only the settings given; ``date_updated`` moves."""
    checked = check_settings(settings)

    def work(tx: Transaction) -> IncomingNumber:
        # Applications first, then the number: deleting an application locks them in this
        # order too, so neither waits on the other in a circle.
        _check_applications(tx, project_id, checked)
        number = store.get(tx, project_id, sid, for_update=True)
        if number is None:
            raise errors.NumberNotFound(sid)
        # Strictly later than the version it replaces, even within one clock tick: (sid,
        # date_updated) then names one version of a number, which readers may cache on.
        updated = number.with_settings(checked, max(now(), number.date_updated + 1))
        store.save_settings(tx, updated)
        return updated

    return await db.run(work, write=True)


async def release(db: Database, project_id: str, sid: str) -> None:
    """Give the number up: it disappears from the project and can be bought again."""

    def work(tx: Transaction) -> None:
        number = store.get(tx, project_id, sid)
        if number is None or not store.delete(tx, project_id, sid):
            raise errors.NumberNotFound(sid)
        inventory_store.give_back(tx, number.phone_number)

    await db.run(work, write=True)


async def page(
    db: Database,
    project_id: str,
    filters: ListFilter,
    *,
    size: int,
    after: int | None = None,
    before: int | None = None,
    known: Callable[[str, int], Known | None] = lambda sid, date_updated: None,
) -> tuple[list[tuple[int, IncomingNumber | Known]], bool]:
    """A page of numbers, newest first, and whether more lie beyond it in that direction.

    Each entry is (row id, number). Where ``known(sid, date_updated)`` gives something for a
    number's current version, that stands in for the number and its row is not read.
    """

    def work(tx: Transaction) -> tuple[list[tuple[int, IncomingNumber | Known]], bool]:
        keys = store.page_keys(tx, project_id, filters, limit=size + 1, after=after, before=before)
        more = len(keys) > size
        if more:
            keys = keys[1:] if before is not None else keys[:size]
        found: dict[int, IncomingNumber | Known] = {}
        for key in keys:
            held = known(key.sid, key.date_updated)
            if held is not None:
                found[key.id] = held
        missing = [key for key in keys if key.id not in found]
        found.update(store.get_page_rows(tx, project_id, filters, missing))
        # A number released between the two reads is simply not listed.
        return [(key.id, found[key.id]) for key in keys if key.id in found], more

    return await db.run(work)
