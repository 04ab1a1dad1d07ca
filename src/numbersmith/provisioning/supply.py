"""Where numbers come from: the two sources of supply.

- ``synthetic`` (the default): every suppliable number of every supplied area code, made on
  demand. Nothing to load; ownership is the only state.
- ``inventory``: only the numbers an operator imported, with what the operator knows of them.

Both hand out numbers inside the caller's transaction; the unique index on owned numbers stays
the last word on who owns what.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Protocol

from numbersmith.numbering import AreaCodeSpace
from numbersmith.numbering.candidates import Details
from numbersmith.provisioning.allocation import first_free
from numbersmith.store import Transaction
from numbersmith.store import inventory as inventory_store
from numbersmith.store import numbers as number_store

SUPPLIES = ("synthetic", "inventory")


@dataclass(slots=True)  # not frozen: building a frozen one cost a purchase 0.5 µs more
class Supplied:
    """A number handed out, and what is known of it."""

    phone_number: str
    country_code: str
    origin: str
    capability_voice: bool
    capability_sms: bool
    capability_mms: bool
    capability_fax: bool


class Supply(Protocol):
    name: str
    #: Whether handing a number out writes to the store (claims it there). If not, a
    #: purchase's one write is the insert of the number, which the unique index guards.
    claims: bool

    def take(self, tx: Transaction, space: AreaCodeSpace, e164: str) -> Supplied | None:
        """Hand out exactly ``e164`` (a number of ``space``), or None if it cannot be had."""

    def take_in(self, tx: Transaction, space: AreaCodeSpace, rng: random.Random) -> Supplied | None:
        """Hand out a free number of ``space``, or None if none is left."""

    def draw(self, space: AreaCodeSpace, rng: random.Random) -> Supplied | None:
        """A number of ``space`` drawn at random without reading the store, which may be owned;
        None if this supply cannot hand one out so."""


def _synthetic(space: AreaCodeSpace, e164: str) -> Supplied:
    return Supplied(e164, space.region, "signalwire", True, True, True, True)


class SyntheticSupply:
    name = "synthetic"
    claims = False

    def take(self, tx: Transaction, space: AreaCodeSpace, e164: str) -> Supplied | None:
        return _synthetic(space, e164)  # owned already? the insert's unique index says so

    def take_in(self, tx: Transaction, space: AreaCodeSpace, rng: random.Random) -> Supplied | None:
        start = rng.randrange(space.size)
        e164 = first_free(space, start, lambda first, n: number_store.owned_from(tx, first, n))
        return _synthetic(space, e164) if e164 is not None else None

    def draw(self, space: AreaCodeSpace, rng: random.Random) -> Supplied | None:
        return _synthetic(space, space.number(rng.randrange(space.size)))


def _from_inventory(found: inventory_store.InventoryNumber | None) -> Supplied | None:
    if found is None:
        return None
    profile = found.profile
    return Supplied(
        found.phone_number,
        found.iso_country,
        profile.origin,
        profile.capability_voice,
        profile.capability_sms,
        profile.capability_mms,
        profile.capability_fax,
    )


class InventorySupply:
    name = "inventory"
    claims = True

    def __init__(self) -> None:
        #: Details shown for the numbers of each profile read so far, by country and profile
        #: id: profiles never change.
        self.details: dict[str, dict[int, Details]] = {}

    def take(self, tx: Transaction, space: AreaCodeSpace, e164: str) -> Supplied | None:
        return _from_inventory(inventory_store.take(tx, e164))

    def take_in(self, tx: Transaction, space: AreaCodeSpace, rng: random.Random) -> Supplied | None:
        pick = rng.randrange(inventory_store.PICK_RANGE)
        return _from_inventory(inventory_store.take_free(tx, space.area_code, pick))

    def draw(self, space: AreaCodeSpace, rng: random.Random) -> Supplied | None:
        return None  # only the inventory knows which of its numbers are free


SYNTHETIC = SyntheticSupply()


def supply_named(name: str) -> Supply:
    if name == "inventory":
        return InventorySupply()
    if name == "synthetic":
        return SyntheticSupply()
    raise ValueError(f"unknown supply {name!r}: choose one of {', '.join(SUPPLIES)}")
