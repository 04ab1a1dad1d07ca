"""Use case: search the numbers available to buy.

The built-in "synthetic" supply is every suppliable number of every supplied area code, made on
demand (see numbering.candidates). A search draws random numbers that satisfy its filters and
drops those someone owns, so what it returns can be bought at once with PhoneNumber=…, until
someone else buys it first.

Every synthetic number has every capability, needs no address and is not beta, so filters on
those (SmsEnabled, ExcludeAllAddressRequired, Beta, …) can never exclude one and are not
parameters here.
"""

from __future__ import annotations

import dataclasses
import functools
import random

import anyio.to_thread

from numbersmith.numbering import TOLL_FREE_AREA_CODES, area_code_space, candidates
from numbersmith.numbering.candidates import Candidate, Criteria, Details
from numbersmith.provisioning import errors
from numbersmith.provisioning.supply import SYNTHETIC, InventorySupply, Supply
from numbersmith.store import Database, Transaction
from numbersmith.store import inventory as inventory_store
from numbersmith.store import numbers as store

_random = random.Random()

#: Draws per search: a second one only happens when owned numbers were drawn, a third when the
#: supply that matches is nearly all owned.
_ROUNDS = 3


def check_area_code(area_code: str, *, toll_free: bool) -> str:
    """The area code, if the search may name it; InvalidAreaCode (or its AreaCodeOfOtherKind)
    otherwise. A supplied area code of another country is allowed: it matches nothing."""
    area_code = area_code.strip()
    if area_code_space(area_code) is None:
        raise errors.InvalidAreaCode(area_code)
    if (area_code in TOLL_FREE_AREA_CODES) != toll_free:
        raise errors.AreaCodeOfOtherKind(area_code, toll_free_wanted=toll_free)
    return area_code


async def available(
    db: Database,
    criteria: Criteria,
    *,
    size: int,
    supply: Supply = SYNTHETIC,
    rng: random.Random | None = None,
) -> list[Candidate]:
    """Up to ``size`` numbers nobody owns that satisfy ``criteria``, in random order.

    Fewer when few numbers match in the area codes drawn from (see candidates.draw), none when
    nothing matches: finding nothing is not an error.
    """
    if isinstance(supply, InventorySupply):
        return await _available_in_inventory(db, criteria, size, supply, rng or _random)
    # The first use of an area code validates its exchanges with libphonenumber (tenths of a
    # second), so checking and drawing run off the event loop.
    if criteria.area_code is not None:
        check = functools.partial(check_area_code, criteria.area_code, toll_free=criteria.toll_free)
        criteria = dataclasses.replace(criteria, area_code=await anyio.to_thread.run_sync(check))
    rng = rng or _random
    found: list[Candidate] = []
    seen: set[str] = set()
    for _ in range(_ROUNDS):
        wanted = size - len(found)
        drawn = await anyio.to_thread.run_sync(
            candidates.draw, criteria, wanted, rng, frozenset(seen)
        )
        if not drawn:
            break
        numbers = [number for number, _ in drawn]

        def owned_among(tx: Transaction, numbers: list[str] = numbers) -> set[str]:
            return store.owned_among(tx, numbers)

        owned = await db.run(owned_among)
        found += [(number, details) for number, details in drawn if number not in owned]
        seen.update(numbers)
        if len(found) >= size or not owned:
            break  # a draw that found no owned number gave all the supply it could
    return found[:size]


async def _available_in_inventory(
    db: Database, criteria: Criteria, size: int, supply: InventorySupply, rng: random.Random
) -> list[Candidate]:
    """Free inventory numbers matching ``criteria``, from a random point of the inventory."""
    query = _inventory_search(criteria)
    if query is None:
        return []
    pick = rng.randrange(inventory_store.PICK_RANGE)
    # Every result is of the country searched: its area code's, or the one the search named.
    country = criteria.country
    known = supply.details.setdefault(country, {})

    def work(tx: Transaction) -> list[Candidate]:
        found = inventory_store.search(tx, query, limit=size, pick=pick)
        try:
            return [(number, known[profile]) for number, profile in found]
        except KeyError:  # a profile not seen before: read the new ones, once
            unknown = {profile for _, profile in found if profile not in known}
            for profile_id, profile in inventory_store.profiles(tx, unknown).items():
                known[profile_id] = _details(country, profile)
            return [(number, known[profile]) for number, profile in found]

    return await db.run(work)


@functools.lru_cache(maxsize=1024)
def _inventory_search(criteria: Criteria) -> inventory_store.Search | None:
    """The inventory search for ``criteria``, or None if nothing can match; raises as
    check_area_code does. Remembered, as the same few searches come again and again."""
    area_code = None
    if criteria.area_code is not None:
        area_code = check_area_code(criteria.area_code, toll_free=criteria.toll_free)
        space = area_code_space(area_code)
        if space is None or space.region != criteria.country:
            return None  # an area code of the other country: its numbers are that country's
    return inventory_store.Search(
        country=criteria.country,
        toll_free=criteria.toll_free,
        area_code=area_code,
        contains=criteria.contains,
        region=criteria.region,
        locality=criteria.locality,
        capabilities=tuple(sorted(criteria.capabilities)),
    )


def _details(country: str, profile: inventory_store.Profile) -> Details:
    return Details(
        country,
        profile.region,
        profile.locality,
        profile.rate_center,
        profile.lata,
        (
            profile.capability_voice,
            profile.capability_sms,
            profile.capability_mms,
            profile.capability_fax,
        ),
    )
