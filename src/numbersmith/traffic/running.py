"""What calls and messages share while their LaML runs: the requests they ask for, the transcript
they keep, and the limits that end a run which would otherwise never end.

A run is driven from outside and does no I/O: ``start`` names the first document to fetch,
``resume`` takes what the fetch gave (a ``Document``, or a ``Failure`` once even the fallback
failed) and runs it until it needs another document (a ``Fetch``) or the run has ended (None).
Every fetch a run asks for replaces the document it came from, as on the vendors' platforms:
verbs after a <Gather> with input, a <Record>, a <Redirect> or a <Dial action> never run.

Limits (so a hostile or looping application costs a bounded amount):
- ``max_documents`` (default ``DEFAULT_MAX_DOCUMENTS``) documents per run, the first included;
  a run that wants one more ends by the "loop guard", with a step saying which URL it wanted.
- ``MAX_STEPS`` steps per run; more ends it by the "step limit".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from numbersmith.traffic import vocabulary
from numbersmith.traffic.laml import Document, Verb

#: Enough for any menu a test scripts; few enough that a redirect loop of slow webhooks ends soon.
DEFAULT_MAX_DOCUMENTS = 25
#: Steps kept per run: a document of thousands of verbs runs only this far.
MAX_STEPS = 500
#: The vendors' limits on what <Message> sends.
MAX_BODY = 1600
MAX_MEDIA = 10
#: The vendor codes for a reply that cannot be sent.
BODY_TOO_LONG = 21617
TOO_MANY_MEDIA = 21623
#: What a <Message action> (or <Sms action>) is told about the reply: it left, as far as a
#: simulation can know; delivery to a handset is not simulated.
SENT = "sent"


# Not frozen: made for every document fetched (see delivery.Attempt).
@dataclass(slots=True)
class Fetch:
    """A request the run needs made next; the answer goes back through ``resume``."""

    #: Absolute: relative URLs are resolved against the URL of the document that named them.
    url: str
    #: "GET" or "POST".
    method: str
    #: What this request adds to the standard parameters of the call or message.
    parameters: Mapping[str, str]
    #: Why: "start", "gather", "dial", "record", "redirect" or "message".
    reason: str


@dataclass(frozen=True, slots=True)
class Failure:
    """The document could not be had, even from the fallback; ``code`` says why (11200, …)."""

    code: int


Outcome = Document | Failure


# Not frozen: made for every verb run (see delivery.Attempt).
@dataclass(slots=True)
class Step:
    """One verb met, in order, and what came of it."""

    verb: str
    attributes: Mapping[str, str]
    #: Short and human-readable: "said", "gathered 1234", "timed out", "not simulated".
    result: str
    details: Mapping[str, Any] = field(default_factory=dict)


# Not frozen: made for every reply sent (see delivery.Attempt).
@dataclass(slots=True)
class Reply:
    """A message the LaML sends (<Message>, or <Sms> in a call)."""

    to: str
    from_: str
    body: str
    media: tuple[str, ...] = ()


SidFactory = Callable[[str], str]


def random_sid(kind: str) -> str:
    """A fresh sid (a UUID, as SignalWire's are) for a dialled call, a recording or a reply."""
    return str(uuid.uuid4())


class RunEnded(RuntimeError):
    """``resume`` after the run ended, ``start`` twice, or ``result`` before the end."""


class Run:
    """The bookkeeping every run shares: documents counted, steps kept, the end recorded."""

    def __init__(self, *, to: str, from_: str, max_documents: int, new_sid: SidFactory) -> None:
        if max_documents < 1:
            raise ValueError("max_documents must be at least 1")
        self.to = to
        self.from_ = from_
        self.max_documents = max_documents
        self.new_sid = new_sid
        self.documents = 0
        self.steps: list[Step] = []
        self.replies: list[Reply] = []
        self.warnings: list[str] = []
        self.ended_by: str | None = None
        self.error_code: int | None = None

    @property
    def ended(self) -> bool:
        return self.ended_by is not None

    def begin(self, url: str, method: str, parameters: Mapping[str, str]) -> Fetch:
        """The first fetch: counted like any other document."""
        if self.documents:
            raise RunEnded("the run has already started")
        self.documents = 1
        return Fetch(url=url, method=method.upper(), parameters=dict(parameters), reason="start")

    def accept(self, outcome: Outcome) -> None:
        """Check that the run may take ``outcome`` now, and keep its warnings."""
        if not self.documents:
            raise RunEnded("start the run before resuming it")
        if self.ended:
            raise RunEnded("the run has ended")
        if isinstance(outcome, Document):
            self.warnings.extend(outcome.warnings)

    def fetch(
        self,
        verb: Verb,
        url: str,
        method: str,
        parameters: Mapping[str, str],
        reason: str,
    ) -> Fetch | None:
        """A request for the next document, or None when the loop guard has ended the run."""
        if self.documents >= self.max_documents:
            self.record(
                verb,
                "loop guard: not fetched",
                url=url,
                documents=self.documents,
            )
            self.end("loop guard")
            return None
        self.documents += 1
        return Fetch(url=url, method=method, parameters=dict(parameters), reason=reason)

    def record(self, verb: Verb | str, result: str, **details: Any) -> None:
        """Add a step to the transcript (the caller checks ``room`` first)."""
        if isinstance(verb, Verb):
            self.steps.append(Step(verb.name, dict(verb.attributes), result, details))
        else:
            self.steps.append(Step(verb, {}, result, details))

    def room(self) -> bool:
        """Whether another step may run; if not, the run ends by the step limit."""
        if len(self.steps) < MAX_STEPS:
            return True
        self.end("step limit")
        return False

    def end(self, by: str) -> None:
        if self.ended_by is None:
            self.ended_by = by

    def send(
        self, verb: Verb, base: str, default_to: str, default_from: str
    ) -> tuple[Reply | None, str, dict[str, Any]]:
        """The reply a <Message> or <Sms> sends, and the step's result and details.

        The body is the <Body> noun's text or else the verb's own; <Media> nouns (a <Message>'s
        only) are resolved like any URL. A reply the vendors would refuse is not sent: an empty
        one, a body over 1,600 characters (21617), more than ten media (21623).
        """
        bodies = [child.text for child in verb.children if child.name == "Body"]
        body = bodies[0] if bodies else verb.text
        media = tuple(
            resolve(base, child.text)
            for child in verb.children
            if child.name == "Media" and child.text
        )
        to = verb.attributes.get("to", "").strip() or default_to
        from_ = verb.attributes.get("from", "").strip() or default_from
        details: dict[str, Any] = {"to": to, "from": from_, "body": body, "media": list(media)}
        if not body and not media:
            return None, "not sent: nothing to send", details
        if len(body) > MAX_BODY:
            details["error_code"] = BODY_TOO_LONG
            return None, f"not sent: the body is over {MAX_BODY} characters", details
        if len(media) > MAX_MEDIA:
            details["error_code"] = TOO_MANY_MEDIA
            return None, f"not sent: more than {MAX_MEDIA} media", details
        reply = Reply(to=to, from_=from_, body=body, media=media)
        self.replies.append(reply)
        return reply, f"sent to {to}", details

    def reply_status(self, verb: Verb, sent: bool) -> dict[str, str]:
        """What a <Message action> (MessageSid, MessageStatus) or <Sms action> is told."""
        prefix = "Sms" if verb.name == "Sms" else "Message"
        return {
            f"{prefix}Sid": self.new_sid("message"),
            f"{prefix}Status": SENT if sent else "failed",
        }


def resolve(base: str, reference: str) -> str:
    """``reference`` made absolute against ``base``, the URL the current document came from."""
    return urljoin(base, reference.strip())


def action_of(verb: Verb, base: str) -> str | None:
    """The verb's ``action``, absolute, or None when it has none (or an empty one)."""
    action = vocabulary.ACTION.of(verb)
    return resolve(base, action) if action else None
