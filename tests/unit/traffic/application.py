"""A stand-in for the adapter and the user's application: URLs answered from a table, no network.

It does what the delivery adapter does with each ``Fetch`` a run asks for (read the answer with
``laml.read``, turn a refusal into a ``Failure``) so that the tests drive runs the way the use
cases will.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from numbersmith.traffic import laml
from numbersmith.traffic.errors import DocumentRejected
from numbersmith.traffic.interpreter import (
    CallerScript,
    CallResult,
    CallRun,
    Failure,
    Fetch,
    MessageResult,
    MessageRun,
    Outcome,
)

VOICE_URL = "https://app.example.com/voice"
SMS_URL = "https://app.example.com/sms"
NUMBER = "+13105550100"
CALLER = "+12125550123"

Answer = bytes | str | Failure | Callable[[Fetch], bytes]


def xml(verbs: str) -> bytes:
    """A document of ``verbs``."""
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{verbs}</Response>'.encode()


def counting_sids() -> Callable[[str], str]:
    """Sids that say what they are and in which order they were made: ``dial-0``, ``recording-1``."""
    counter = itertools.count()
    return lambda kind: f"{kind}-{next(counter)}"


@dataclass
class Application:
    """URLs and what each answers: XML as bytes, plain text as str, or a Failure."""

    answers: Mapping[str, Answer]
    fetches: list[Fetch] = field(default_factory=list)

    def answer(self, fetch: Fetch, *, allow_empty: bool = False) -> Outcome:
        self.fetches.append(fetch)
        answer = self.answers[fetch.url]
        if isinstance(answer, Failure):
            return answer
        if callable(answer):
            answer = answer(fetch)
        try:
            if isinstance(answer, str):
                return laml.read(answer.encode(), "text/plain", allow_empty=allow_empty)
            return laml.read(answer, "text/xml", allow_empty=allow_empty)
        except DocumentRejected as rejected:
            return Failure(rejected.code)


def call(
    answers: Mapping[str, Answer],
    script: CallerScript | None = None,
    *,
    url: str = VOICE_URL,
    method: str = "POST",
    **options: object,
) -> tuple[CallResult, list[Fetch]]:
    """Run a call to its end; its result and every fetch it asked for, in order."""
    application = Application(answers)
    run = CallRun(
        to=NUMBER,
        from_=CALLER,
        script=script or CallerScript(),
        new_sid=counting_sids(),
        **options,  # type: ignore[arg-type]
    )
    fetch: Fetch | None = run.start(url, method)
    while fetch is not None:
        fetch = run.resume(application.answer(fetch), fetch.url)
    return run.result(), application.fetches


def message(
    answers: Mapping[str, Answer],
    *,
    body: str = "hello",
    url: str = SMS_URL,
    method: str = "POST",
    **options: object,
) -> tuple[MessageResult, list[Fetch]]:
    """Deliver a message and run its answers to the end; the result and every fetch."""
    application = Application(answers)
    run = MessageRun(
        to=NUMBER,
        from_=CALLER,
        body=body,
        new_sid=counting_sids(),
        **options,  # type: ignore[arg-type]
    )
    fetch: Fetch | None = run.start(url, method)
    while fetch is not None:
        fetch = run.resume(application.answer(fetch, allow_empty=True), fetch.url)
    return run.result(), application.fetches
