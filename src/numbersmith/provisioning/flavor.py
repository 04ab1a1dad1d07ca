"""A database's flavour: chosen when it is created, kept with its data.

Twilio-flavoured data (``AC…`` account sids, auth tokens that sign webhooks) would not serve a
SignalWire client, nor the other way round, so a server refuses to start with a flavour other
than its database's, saying which one the database has. A server started without a flavour
follows its database's. A new database takes its flavour when a server starts on it or its
first project is created (``numbersmith serve`` or ``project create``, with ``--flavor`` or
NUMBERSMITH_FLAVOR, SignalWire's unless told otherwise); importing an inventory first fixes
nothing. A database from before flavours is SignalWire's.
"""

from __future__ import annotations

from numbersmith import flavors
from numbersmith.flavors import Flavor
from numbersmith.store import Database, Transaction
from numbersmith.store import accounts as store

SETTING = "flavor"


class FlavorMismatch(RuntimeError):
    """The server was asked for one flavour, and its database has the other."""

    def __init__(self, stored: str, wanted: str) -> None:
        super().__init__(
            f"this database was created for the {stored} flavour and cannot be served as "
            f"{wanted}: start with --flavor {stored} (or NUMBERSMITH_FLAVOR={stored}), or use "
            "another database for the other flavour"
        )
        self.stored = stored
        self.wanted = wanted


def of(tx: Transaction, wanted: str | None = None, *, fix: bool = True) -> Flavor:
    """The database's flavour, fixed now (unless not ``fix``) if it has none yet: ``wanted`` for
    a database without projects (SignalWire's if None), SignalWire's for one with projects from
    before flavours. Raises FlavorMismatch when ``wanted`` is not the database's."""
    if wanted is not None:
        wanted = flavors.named(wanted).name
    stored = store.get_setting(tx, SETTING)
    if stored is None:
        if store.has_projects(tx):
            stored = flavors.SIGNALWIRE_NAME
        else:
            stored = wanted or flavors.SIGNALWIRE_NAME
        if fix:
            store.insert_setting(tx, SETTING, stored)
    if wanted is not None and wanted != stored:
        raise FlavorMismatch(stored, wanted)
    return flavors.named(stored)


def settle(db: Database, wanted: str | None = None) -> Flavor:
    """``of``, in a unit of work of its own: what a server does before it serves."""
    return db.run_sync(lambda tx: of(tx, wanted), write=True)


def current(db: Database, wanted: str | None = None) -> Flavor:
    """The database's flavour (or the one it would take), fixing nothing."""
    return db.run_sync(lambda tx: of(tx, wanted, fix=False))
