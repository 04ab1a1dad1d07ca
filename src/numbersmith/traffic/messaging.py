"""A simulated inbound message: the LaML its application answers with, run to the end.

A messaging document knows three verbs (the vendors' 14110 lists them): <Message> and its older
name <Sms> send a reply, <Redirect> fetches the next document. A <Message action> asks for the
action URL with ``MessageSid`` and ``MessageStatus=sent`` (delivery to a handset is not
simulated; an unsendable reply reports ``failed``), and the answer replaces the document, as a
<Redirect>'s does. Any other verb is recorded as not a messaging verb (code 14110) and skipped.
A text/plain answer is sent back to the sender as the reply.

The message ends ``received`` when its documents run out (or a limit stops them), ``failed``
with the code when a document could not be had, even from the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

from numbersmith.traffic import vocabulary as vocab
from numbersmith.traffic.laml import Verb
from numbersmith.traffic.running import (
    DEFAULT_MAX_DOCUMENTS,
    Failure,
    Fetch,
    Outcome,
    Reply,
    Run,
    RunEnded,
    SidFactory,
    Step,
    action_of,
    random_sid,
    resolve,
)

#: The vendors' warning for a verb a message reply cannot use.
INVALID_MESSAGING_VERB = 14110


# Not frozen: made for every message (see delivery.Attempt).
@dataclass(slots=True)
class MessageResult:
    """How the message's handling ended, and the replies it produced."""

    #: "received" or "failed".
    status: str
    #: The code of the failure, when ``failed``.
    error_code: int | None
    steps: tuple[Step, ...]
    replies: tuple[Reply, ...]
    #: "document ended", "application error", "loop guard" or "step limit".
    ended_by: str = "document ended"
    #: 12200 findings of every document run.
    warnings: tuple[str, ...] = ()
    #: Documents asked for, the first included.
    documents: int = 0


class MessageRun(Run):
    """One inbound message, from the first fetch of the SMS URL to the last document."""

    def __init__(
        self,
        *,
        to: str,
        from_: str,
        body: str,
        media: tuple[str, ...] = (),
        max_documents: int = DEFAULT_MAX_DOCUMENTS,
        new_sid: SidFactory = random_sid,
    ) -> None:
        super().__init__(to=to, from_=from_, max_documents=max_documents, new_sid=new_sid)
        self.body = body
        self.media = media

    def start(self, url: str, method: str) -> Fetch:
        """The request for the first document: the SMS URL, with the standard parameters only."""
        return self.begin(url, method, {})

    def resume(self, outcome: Outcome, source_url: str) -> Fetch | None:
        """Run what the last fetch gave; the next fetch, or None when the message is done."""
        self.accept(outcome)
        if isinstance(outcome, Failure):
            self.error_code = outcome.code
            self.end("application error")
            return None
        if outcome.plain_text is not None:
            if self.room():
                reply = Reply(to=self.from_, from_=self.to, body=outcome.plain_text)
                self.replies.append(reply)
                self.record(
                    "Message",
                    f"sent to {reply.to}",
                    to=reply.to,
                    body=reply.body,
                    plain_text=True,
                )
        else:
            for verb in outcome.verbs:
                if not self.room():
                    break
                next_fetch = self._perform(verb, source_url)
                if self.ended or next_fetch is not None:
                    return next_fetch
        self.end("document ended")
        return None

    def result(self) -> MessageResult:
        """The message's outcome; only once the run has ended."""
        if self.ended_by is None:
            raise RunEnded("the message's run has not ended")
        return MessageResult(
            status="failed" if self.error_code is not None else "received",
            error_code=self.error_code,
            steps=tuple(self.steps),
            replies=tuple(self.replies),
            ended_by=self.ended_by,
            warnings=tuple(self.warnings),
            documents=self.documents,
        )

    def _perform(self, verb: Verb, base: str) -> Fetch | None:
        if verb.name in ("Message", "Sms"):
            reply, result, details = self.send(
                verb, base, default_to=self.from_, default_from=self.to
            )
            self.record(verb, result, **details)
            action = action_of(verb, base)
            if action is None:
                return None
            status = self.reply_status(verb, reply is not None)
            return self.fetch(verb, action, vocab.METHOD.of(verb), status, "message")
        if verb.name == "Redirect":
            target = resolve(base, verb.text) if verb.text else base
            method = vocab.METHOD.of(verb)
            self.record(verb, "redirected", url=target, method=method)
            return self.fetch(verb, target, method, {}, "redirect")
        self.record(verb, "not a messaging verb: skipped", error_code=INVALID_MESSAGING_VERB)
        return None
