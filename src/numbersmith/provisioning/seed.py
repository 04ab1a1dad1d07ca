"""Seeding: bring a database to what a seed names (projects with fixed ids, tokens and signing
keys; their applications and numbers with their settings; inventory ranges), idempotently.

A seed adds what is missing and sets what it names; it deletes nothing, and leaves alone
settings it does not name. Applying the same seed twice changes nothing the second time (no
``date_updated`` moves). The seed itself comes from a file (``seed_file``): this module knows
nothing of files, only of the seed and of the line each part of it came from, for errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from numbersmith import numbering
from numbersmith.flavors import Flavor
from numbersmith.provisioning import accounts, applications, inventory
from numbersmith.provisioning import flavor as database_flavor
from numbersmith.provisioning.clock import now
from numbersmith.provisioning.model import Application
from numbersmith.provisioning.numbers import new_number
from numbersmith.provisioning.supply import Supply
from numbersmith.store import Database, Transaction
from numbersmith.store import applications as application_store
from numbersmith.store import numbers as number_store


class SeedError(ValueError):
    """A seed that cannot be applied (or read): the line of its file, and why."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SeedRange:
    first: str
    last: str
    #: The details of an inventory file's columns, as text (see inventory.add_range).
    details: Mapping[str, str | None]
    line: int | None = field(default=None, compare=False)  # where the seed file gives it


@dataclass(frozen=True, slots=True)
class SeedApplication:
    """An application, found again by ``sid`` if given, else by its name in the project."""

    settings: Mapping[str, Any]  # checked; friendly_name always there
    sid: str | None = None
    line: int | None = field(default=None, compare=False)  # where the seed file gives it


@dataclass(frozen=True, slots=True)
class SeedNumber:
    phone_number: str  # E.164, suppliable
    settings: Mapping[str, Any]  # checked
    line: int | None = field(default=None, compare=False)  # where the seed file gives it


@dataclass(frozen=True, slots=True)
class SeedProject:
    project_id: str
    api_token: str
    name: str = "seeded"
    #: None: made up when the project is created, and kept afterwards.
    signing_key: str | None = None
    applications: tuple[SeedApplication, ...] = ()
    numbers: tuple[SeedNumber, ...] = ()
    line: int | None = field(default=None, compare=False)  # where the seed file gives it


@dataclass(frozen=True, slots=True)
class Seed:
    projects: tuple[SeedProject, ...] = ()
    inventory: tuple[SeedRange, ...] = ()


@dataclass(slots=True)
class SeedReport:
    """What applying a seed did: things added, things changed to match it, numbers added to the
    inventory."""

    added: int = 0
    changed: int = 0
    inventory_added: int = 0
    projects: list[accounts.Credentials] = field(default_factory=list)


def apply(db: Database, seed: Seed, supply: Supply) -> SeedReport:
    """Bring the database to what ``seed`` names. Inventory ranges first (each in transactions
    of its own, as ``inventory add-range`` runs them), so that numbers can come from them; then
    every project, in one transaction: on a SeedError nothing of the projects is kept."""
    report = SeedReport()
    for numbers in seed.inventory:
        try:
            added = inventory.add_range(db, numbers.first, numbers.last, numbers.details)
        except (inventory.InvalidRange, inventory.InvalidRecord) as exc:
            raise SeedError(numbers.line, str(exc)) from None
        report.inventory_added += added.added

    def work(tx: Transaction) -> None:
        # Numbers and applications get sids and default names of the database's flavour.
        flavor = database_flavor.of(tx)
        for project in seed.projects:
            _project(tx, project, supply, flavor, report)

    db.run_sync(work, write=True)
    return report


def _project(
    tx: Transaction, project: SeedProject, supply: Supply, flavor: Flavor, report: SeedReport
) -> None:
    try:
        credentials, changed = accounts.seed_project(
            tx, project.project_id, project.name, project.api_token, project.signing_key
        )
    except accounts.TokenOfAnotherProject:
        raise SeedError(project.line, "api_token already opens another project") from None
    report.projects.append(credentials)
    _count(report, changed)
    for application in project.applications:
        _application(tx, project.project_id, application, flavor, report)
    for number in project.numbers:
        _number(tx, project.project_id, number, supply, flavor, report)


def _count(report: SeedReport, change: bool | None) -> None:
    """None: added; True: changed to match the seed; False: already as the seed says."""
    if change is None:
        report.added += 1
    elif change:
        report.changed += 1


def _differs(current: object, settings: Mapping[str, Any]) -> bool:
    return any(getattr(current, name) != value for name, value in settings.items())


def _application(
    tx: Transaction, project_id: str, seeded: SeedApplication, flavor: Flavor, report: SeedReport
) -> None:
    existing: Application | None
    if seeded.sid is not None:
        existing = application_store.get(tx, project_id, seeded.sid, for_update=True)
        if existing is None and application_store.sid_taken(tx, seeded.sid):
            raise SeedError(seeded.line, f"application {seeded.sid} belongs to another project")
    else:
        existing = application_store.named(tx, project_id, seeded.settings["friendly_name"])
    if existing is None:
        applications.add(tx, project_id, seeded.settings, flavor, sid=seeded.sid)
        _count(report, None)
    elif _differs(existing, seeded.settings):
        updated = existing.with_settings(seeded.settings, max(now(), existing.date_updated + 1))
        application_store.save_settings(tx, updated)
        _count(report, True)


def _number(
    tx: Transaction,
    project_id: str,
    seeded: SeedNumber,
    supply: Supply,
    flavor: Flavor,
    report: SeedReport,
) -> None:
    for name in ("voice_application_sid", "sms_application_sid"):
        sid = seeded.settings.get(name)
        if sid and not application_store.hold(tx, project_id, sid):
            raise SeedError(seeded.line, f"{name} {sid} is no application of this project")
    e164 = seeded.phone_number
    existing = number_store.get_by_phone_number(tx, project_id, e164)
    if existing is not None:
        if _differs(existing, seeded.settings):
            updated = existing.with_settings(seeded.settings, max(now(), existing.date_updated + 1))
            number_store.save_settings(tx, updated)
            _count(report, True)
        return
    if number_store.owner(tx, e164) is not None:
        raise SeedError(seeded.line, f"{e164} belongs to another project")
    space = numbering.area_code_space(e164[2:5])
    supplied = supply.take(tx, space, e164) if space is not None else None
    if supplied is None:
        raise SeedError(seeded.line, f"{e164} is not in the inventory (inventory supply)")
    number_store.insert(tx, new_number(project_id, supplied, seeded.settings, flavor))
    _count(report, None)
