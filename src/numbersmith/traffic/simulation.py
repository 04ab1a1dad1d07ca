"""Use cases of inbound traffic: a message or a call reaches a project's number, is delivered
to the URLs configured for it, and the LaML that comes back runs to its end; everything that
happened is journalled.

The pure interpreter decides what to fetch next; the courier fetches it (signed, with the
fallback URL and the error codes of the vendor); this module joins the two and owns the
journal's transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import orjson

from numbersmith.flavors import SIGNALWIRE, Flavor
from numbersmith.numbering.e164 import InvalidNumber, normalise
from numbersmith.provisioning import applications
from numbersmith.provisioning.clock import now
from numbersmith.provisioning.model import Application, IncomingNumber, is_web_url
from numbersmith.store import Database, Transaction, journal
from numbersmith.store import accounts as account_store
from numbersmith.store import numbers as number_store
from numbersmith.store.numbers import SmsRouting
from numbersmith.traffic import laml, parameters, records
from numbersmith.traffic.delivery import Attempt, Courier, Target
from numbersmith.traffic.interpreter import (
    CallerScript,
    CallResult,
    CallRun,
    Failure,
    Fetch,
    MessageResult,
    MessageRun,
)

#: What a simulation reads of the number it reaches.
N = TypeVar("N", IncomingNumber, SmsRouting)

#: Who sends a simulated message or places a simulated call when the request does not say: a
#: number of the 555-01xx range that North America keeps for fiction, which nobody can own.
OUTSIDE_NUMBER = "+12025550123"
MAX_BODY = 1600
MAX_MEDIA = 10
#: A caller who presses nothing, says nothing, and whose every Dial is answered.
SILENT_CALLER = CallerScript()
#: What caller-name lookup finds for a caller who does not say: a value carriers really return.
DEFAULT_CALLER_NAME = "WIRELESS CALLER"


class TrafficError(Exception):
    """A simulation refused before anything was delivered."""


class InvalidTo(TrafficError):
    pass


class InvalidFrom(TrafficError):
    pass


class NotOurNumber(TrafficError):
    """``To`` is not a number of the project."""


class BodyTooLong(TrafficError):
    pass


class TooManyMedia(TrafficError):
    pass


class InvalidMediaUrl(TrafficError):
    pass


class ReceivesFax(TrafficError):
    """A call to a number whose VoiceReceiveMode is fax."""


# Not frozen: made for every simulation (see delivery.Attempt).
@dataclass(slots=True)
class Handler:
    """Where traffic of one kind goes: the number's own URLs, or its application's."""

    url: str | None
    method: str
    fallback_url: str | None
    fallback_method: str
    status_callback: str | None
    status_callback_method: str
    caller_id_lookup: bool
    application_sid: str | None

    @property
    def fallback(self) -> Target | None:
        return Target(self.fallback_url, self.fallback_method) if self.fallback_url else None


class _Run(Protocol):
    def start(self, url: str, method: str) -> Fetch: ...

    def resume(self, outcome: laml.Document | Failure, source_url: str) -> Fetch | None: ...


# Not frozen: made for every simulation (see delivery.Attempt).
@dataclass(slots=True)
class Exchange:
    """What a simulation came to, as journalled: its document and its deliveries'."""

    sid: str
    record: dict[str, Any]
    deliveries: list[dict[str, Any]]


def _voice_handler(number: IncomingNumber, application: Application | None) -> Handler:
    source = application if application is not None else number
    return Handler(
        url=source.voice_url,
        method=source.voice_method,
        fallback_url=source.voice_fallback_url,
        fallback_method=source.voice_fallback_method,
        status_callback=source.status_callback,
        status_callback_method=source.status_callback_method,
        caller_id_lookup=source.voice_caller_id_lookup,
        application_sid=number.voice_application_sid if application is not None else None,
    )


def _sms_handler(number: SmsRouting, application: Application | None) -> Handler:
    source: SmsRouting | Application = application if application is not None else number
    return Handler(
        url=source.sms_url,
        method=source.sms_method,
        fallback_url=source.sms_fallback_url,
        fallback_method=source.sms_fallback_method,
        status_callback=None,
        status_callback_method="POST",
        caller_id_lookup=False,
        application_sid=number.sms_application_sid if application is not None else None,
    )


def _read_message_answer(body: bytes, content_type: str | None) -> laml.Document:
    """A message's answer: as a call's, except that an empty one (a 204, say) means no reply."""
    return laml.read(body, content_type, allow_empty=True)


#: A message to a number with no SMS URL: received, and nobody is told.
NO_SMS_URL = MessageResult(
    status="received", error_code=None, steps=(), replies=(), ended_by="no SMS URL"
)
#: A call to a number with no voice URL: nothing answers it.
NO_VOICE_URL = CallResult(
    status="failed", duration=0, answered=False, steps=(), replies=(), ended_by="no voice URL"
)


def _number(text: str, error: type[TrafficError]) -> str:
    try:
        return normalise(text)
    except InvalidNumber as exc:
        raise error(text) from exc


class Simulator:
    """Simulates traffic to the numbers of one database, delivering through one courier."""

    def __init__(self, db: Database, courier: Courier, flavor: Flavor = SIGNALWIRE) -> None:
        self.db = db
        self.courier = courier
        #: The form of the sids handed out. What webhooks are signed with is the project's
        #: signing key in either flavour: in Twilio's the project keeps its auth token there.
        self.flavor = flavor
        # Signing keys never change once a project exists: read each once.
        self._signing_keys: dict[str, str] = {}

    async def _recipient(
        self,
        project_id: str,
        to: str,
        read: Callable[[Transaction, str, str], N | None],
        application_of: str,
    ) -> tuple[N, Application | None, str]:
        """What ``read`` finds of the project's number ``to``, the application it names for
        this traffic, and the project's signing key."""

        def work(tx: Transaction) -> tuple[N, Application | None, str | None]:
            number = read(tx, project_id, to)
            if number is None:
                raise NotOurNumber(to)
            application_sid = getattr(number, application_of)
            application = (
                applications.read(tx, project_id, application_sid) if application_sid else None
            )
            key = self._signing_keys.get(project_id)
            if key is None:
                project = account_store.get_project(tx, project_id)
                key = project[2] if project else None
            return number, application, key

        number, application, key = await self.db.run(work)
        if key is None:  # pragma: no cover - a number's project always exists (foreign key)
            raise NotOurNumber(to)
        self._signing_keys[project_id] = key
        return number, application, key

    async def _drive(
        self,
        run: _Run,
        handler: Handler,
        standard: Mapping[str, str],
        key: str,
        made: list[tuple[str, Attempt]],
        read: Callable[[bytes, str | None], laml.Document],
    ) -> None:
        """Fetch what the run asks for, feed it each answer, until it ends."""
        assert handler.url is not None
        fetch: Fetch | None = run.start(handler.url, handler.method)
        while fetch is not None:
            fetched = await self.courier.fetch_document(
                Target(fetch.url, fetch.method),
                handler.fallback,
                {**standard, **fetch.parameters},
                key,
                read,
            )
            made.extend((fetch.reason, attempt) for attempt in fetched.attempts)
            outcome: laml.Document | Failure
            if fetched.document is not None:
                outcome = fetched.document
            else:
                outcome = Failure(fetched.error_code or 11200)
            fetch = run.resume(outcome, fetched.source_url or fetch.url)

    async def _journal(
        self,
        project_id: str,
        kind: str,
        phone_number: str,
        record: dict[str, Any],
        made: Sequence[tuple[str, Attempt]],
    ) -> Exchange:
        sid = record["sid"]
        delivered = [records.delivery(sid, phone_number, purpose, a) for purpose, a in made]
        document = orjson.dumps(record).decode()
        documents = [orjson.dumps(entry).decode() for entry in delivered]
        await self.db.run(
            lambda tx: journal.insert_exchange(
                tx,
                sid=sid,
                project_id=project_id,
                kind=kind,
                phone_number=phone_number,
                record=document,
                delivery_records=documents,
                now=now(),
            ),
            write=True,
        )
        return Exchange(sid, record, delivered)

    async def message(
        self,
        project_id: str,
        *,
        to: str,
        from_: str | None = None,
        body: str = "",
        media: Sequence[str] = (),
    ) -> Exchange:
        """A message from ``from_`` reaches the project's number ``to``."""
        to = _number(to, InvalidTo)
        sender = _number(from_, InvalidFrom) if from_ else OUTSIDE_NUMBER
        if len(body) > MAX_BODY:
            raise BodyTooLong(len(body))
        if len(media) > MAX_MEDIA:
            raise TooManyMedia(len(media))
        for url in media:
            if not is_web_url(url):
                raise InvalidMediaUrl(url)
        number, application, key = await self._recipient(
            project_id, to, number_store.sms_routing, "sms_application_sid"
        )
        handler = _sms_handler(number, application)
        sid = self.flavor.new_message_sid(bool(media))
        created = time.time()
        standard = parameters.message_parameters(
            account_sid=project_id,
            message_sid=sid,
            to=to,
            from_=sender,
            body=body,
            media_urls=media,
        )
        run = MessageRun(
            to=to, from_=sender, body=body, media=tuple(media), new_sid=self.flavor.new_run_sid
        )
        made: list[tuple[str, Attempt]] = []
        if handler.url is not None:
            await self._drive(run, handler, standard, key, made, _read_message_answer)
            result = run.result()
        else:  # the message is stored, and nothing is sent
            result = NO_SMS_URL
        record = records.message(
            sid=sid,
            account_sid=project_id,
            to=to,
            from_=sender,
            body=body,
            media=media,
            application_sid=handler.application_sid,
            result=result,
            created=created,
        )
        return await self._journal(project_id, "message", to, record, made)

    async def call(
        self,
        project_id: str,
        *,
        to: str,
        from_: str | None = None,
        script: CallerScript = SILENT_CALLER,
        caller_name: str | None = None,
        forwarded_from: str | None = None,
    ) -> Exchange:
        """A call from ``from_`` reaches the project's number ``to`` and runs to its end, the
        caller doing what ``script`` says; then the status callback hears how it ended."""
        to = _number(to, InvalidTo)
        caller = _number(from_, InvalidFrom) if from_ else OUTSIDE_NUMBER
        number, application, key = await self._recipient(
            project_id, to, number_store.get_by_phone_number, "voice_application_sid"
        )
        if number.voice_receive_mode == "fax":
            raise ReceivesFax(to)
        handler = _voice_handler(number, application)
        sid = self.flavor.new_call_sid()
        created = time.time()
        standard = parameters.call_parameters(
            account_sid=project_id,
            call_sid=sid,
            to=to,
            from_=caller,
            caller_name=(caller_name or DEFAULT_CALLER_NAME) if handler.caller_id_lookup else None,
            forwarded_from=forwarded_from,
        )
        run = CallRun(to=to, from_=caller, script=script, new_sid=self.flavor.new_run_sid)
        made: list[tuple[str, Attempt]] = []
        if handler.url is not None:
            await self._drive(run, handler, standard, key, made, laml.read)
            result = run.result()
        else:  # nothing to run: the call fails unanswered
            result = NO_VOICE_URL
        if handler.status_callback:
            ended = parameters.call_status_parameters(
                standard, result.status, result.duration, datetime.now(UTC)
            )
            attempts = await self.courier.notify(
                Target(handler.status_callback, handler.status_callback_method), ended, key
            )
            made.extend(("status-callback", attempt) for attempt in attempts)
        record = records.call(
            sid=sid,
            account_sid=project_id,
            to=to,
            from_=caller,
            script={"digits": script.digits, "speech": script.speech, "dial": script.dial},
            application_sid=handler.application_sid,
            result=result,
            created=created,
        )
        return await self._journal(project_id, "call", to, record, made)

    async def _owner(self, to: str) -> str:
        to = _number(to, InvalidTo)
        project_id = await self.db.run(lambda tx: number_store.owner(tx, to))
        if project_id is None:
            raise NotOurNumber(to)
        return project_id

    async def message_to(self, to: str, **message: Any) -> Exchange:
        """A message to ``to``, whichever project owns it (for the command line)."""
        return await self.message(await self._owner(to), to=to, **message)

    async def call_to(self, to: str, **call: Any) -> Exchange:
        """A call to ``to``, whichever project owns it (for the command line)."""
        return await self.call(await self._owner(to), to=to, **call)

    async def exchange(self, project_id: str, kind: str, sid: str) -> Exchange | None:
        """The project's journalled exchange ``sid`` of ``kind``, if it is still kept."""
        found = await self.db.run(lambda tx: journal.get_exchange(tx, project_id, sid))
        if found is None or found[0] != kind:
            return None
        return Exchange(sid, orjson.loads(found[1]), [orjson.loads(entry) for entry in found[2]])

    async def deliveries(
        self,
        project_id: str,
        filters: journal.DeliveryFilter,
        *,
        size: int,
        after: int | None,
        before: int | None,
    ) -> tuple[list[tuple[int, str]], bool]:
        """A page of the project's deliveries, newest first, as (id, JSON document) pairs, and
        whether there are more beyond it."""
        rows = await self.db.run(
            lambda tx: journal.page_deliveries(
                tx, project_id, filters, limit=size + 1, after=after, before=before
            )
        )
        more = len(rows) > size
        if more:
            rows = rows[1:] if before is not None else rows[:size]
        return rows, more

    async def prune(self, days: float) -> int:
        """Forget what was journalled more than ``days`` ago; how many exchanges."""
        cutoff = now() - int(days * 86_400_000_000)
        return await self.db.run(lambda tx: journal.prune(tx, cutoff), write=True)
