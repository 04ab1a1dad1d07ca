"""A simulated inbound call: its LaML run verb by verb against a scripted caller.

Nothing here reads a clock. The call's duration is simulated, in milliseconds, from the verbs,
so that the same document and script always give the same ``CallDuration``:

- <Say>: 400 ms a word (150 words a minute), per loop.
- <Play>: 5 s per loop for a URL; 500 ms per character of ``digits`` (``w`` is a half-second
  wait on the vendors' platforms too).
- <Pause>: ``length`` seconds (default 1).
- <Gather>: its nested prompts in full, then 500 ms per key pressed; the ``timeout`` once more
  when the input ends neither on ``finishOnKey`` nor at ``numDigits`` (the platform waits that
  long after the last key), or when nothing comes; 400 ms a word for speech.
- <Dial>: the scripted talk time when ``completed``; for ``no-answer`` the Dial's ``timeout``
  (30 s) of ringing; ``busy`` and ``failed`` take no time. A scripted ``:SECONDS`` replaces the
  talk time (completed) or the ringing (the others).
- <Record>: the caller speaks for ``RECORDED_SPEECH`` (5 s) then falls silent, so the recording
  ends ``timeout`` seconds later (or at ``maxLength`` if that comes first); ``timeout="0"``
  waits for ``maxLength``. ``RecordingDuration`` is the speech alone (silence is trimmed) unless
  ``trim="do-not-trim"``. No key is pressed: ``Digits`` is empty.
- The call's ``duration`` is the total rounded up to whole seconds, 0 if never answered; the
  vendors' four-hour cap ends a call that would run longer ("time limit").

What the caller does (keys, speech, how each <Dial> ends) is scripted: see ``caller``.

Other choices, where the vendors say nothing a simulation can follow:
- Every verb but <Reject> answers the call; an empty document answers it and hangs up.
- ``loop="0"`` ("until the caller hangs up") plays once, then the caller hangs up — unless it is
  the prompt of a <Gather> the caller answers.
- <Reject> after the call was answered acts as <Hangup> (the vendors allow it only first).
- Verbs the simulation cannot carry out (<Connect>, <Enqueue>, <Stream>, <Pay>, …) and verbs
  that are not LaML are recorded with what they were and skipped: the next verb runs.
- A failure to get a document, even from the fallback, is said to the caller ("An application
  error has occurred", a step with the code) and the call ends ``completed`` — the first fetch
  too, since the platform answers a call to say that.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from numbersmith.traffic import vocabulary as vocab
from numbersmith.traffic.caller import DEFAULT_DIAL_SECONDS, CallerScript, DialOutcome
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

MS_PER_WORD = 400
MS_PER_PLAY = 5_000
MS_PER_KEY = 500
RECORDED_SPEECH = 5
#: The vendors' fixed confidence is not documented; a simulated recogniser is this sure.
SPEECH_CONFIDENCE = "0.9"
APPLICATION_ERROR = "An application error has occurred"


def default_recording_url(sid: str) -> str:
    """Where a simulated recording would be: a reserved name that never resolves."""
    return f"https://recordings.numbersmith.invalid/{sid}"


@dataclass(frozen=True, slots=True)
class CallResult:
    """How the call ended, and everything it met on the way."""

    #: "completed", "busy" or "no-answer" (a run never ends "failed": that is a call with no
    #: voice URL to run, which the use case decides without one).
    status: str
    #: Whole seconds, simulated; 0 when the call was never answered.
    duration: int
    answered: bool
    steps: tuple[Step, ...]
    replies: tuple[Reply, ...]
    #: "hangup", "document ended", "reject", "application error", "caller hung up",
    #: "loop guard", "step limit" or "time limit".
    ended_by: str
    #: The code of the failure that ended the call by an application error.
    error_code: int | None = None
    #: 12200 findings of every document run.
    warnings: tuple[str, ...] = ()
    #: Documents asked for, the first included.
    documents: int = 0


class CallRun(Run):
    """One inbound call, from the first fetch of the voice URL to its end."""

    def __init__(
        self,
        *,
        to: str,
        from_: str,
        script: CallerScript,
        max_documents: int = DEFAULT_MAX_DOCUMENTS,
        new_sid: SidFactory = random_sid,
        recording_url: Callable[[str], str] = default_recording_url,
    ) -> None:
        super().__init__(to=to, from_=from_, max_documents=max_documents, new_sid=new_sid)
        self._digits = iter(script.digits)
        self._speech = iter(script.speech)
        self._dials = iter(script.dial_outcomes)
        self._recording_url = recording_url
        self._clock_ms = 0
        self._answered = False
        self._status = "completed"

    def start(self, url: str, method: str) -> Fetch:
        """The request for the first document: the voice URL, with ``CallStatus=ringing``."""
        return self.begin(url, method, {"CallStatus": "ringing"})

    def resume(self, outcome: Outcome, source_url: str) -> Fetch | None:
        """Run what the last fetch gave; the next fetch, or None when the call has ended.

        ``source_url`` is the URL the document actually came from (the fallback's, when it
        answered): relative URLs and <Gather>'s default action resolve against it.
        """
        self.accept(outcome)
        if isinstance(outcome, Failure):
            self._application_error(outcome.code)
            return None
        if outcome.plain_text is not None:
            if self.room():
                self._answer()
                self._speak(outcome.plain_text)
                self.record("Say", "said", text=outcome.plain_text, plain_text=True)
        else:
            for verb in outcome.verbs:
                if not self.room():
                    break
                next_fetch = self._perform(verb, source_url)
                if self.ended or self._over_time():
                    return None
                if next_fetch is not None:
                    return next_fetch
        self._answer()
        self.end("document ended")
        return None

    def result(self) -> CallResult:
        """The call's outcome; only once it has ended."""
        if self.ended_by is None:
            raise RunEnded("the call has not ended")
        return CallResult(
            status=self._status,
            duration=math.ceil(self._clock_ms / 1000) if self._answered else 0,
            answered=self._answered,
            steps=tuple(self.steps),
            replies=tuple(self.replies),
            ended_by=self.ended_by,
            error_code=self.error_code,
            warnings=tuple(self.warnings),
            documents=self.documents,
        )

    # The verbs.

    def _perform(self, verb: Verb, base: str) -> Fetch | None:
        """Run one verb of the document; a fetch when it needs the next document."""
        if verb.name == "Reject":
            return self._reject(verb)
        self._answer()
        perform = self._VERBS.get(verb.name)
        if perform is not None:
            return perform(self, verb, base)
        if verb.name in vocab.NOT_SIMULATED:
            self.record(verb, "not simulated: skipped")
        else:
            self.record(verb, "not a voice verb: skipped")
        return None

    def _say(self, verb: Verb, base: str, listening: bool = False) -> Fetch | None:
        loop = vocab.LOOP.of(verb)
        self._speak(verb.text, _passes(loop))
        details: dict[str, Any] = {"text": verb.text}
        for name in ("voice", "language"):
            if name in verb.attributes:
                details[name] = verb.attributes[name]
        self.record(verb, _times("said", loop), **details)
        if loop == 0 and not listening:
            self.end("caller hung up")
        return None

    def _play(self, verb: Verb, base: str, listening: bool = False) -> Fetch | None:
        loop = vocab.LOOP.of(verb)
        digits = vocab.PLAY_DIGITS.of(verb)
        details: dict[str, Any] = {}
        if verb.text:
            details["url"] = resolve(base, verb.text)
            self._clock_ms += _passes(loop) * MS_PER_PLAY
        if digits:
            details["digits"] = digits
            self._clock_ms += _passes(loop) * MS_PER_KEY * len(digits)
        if not details:
            self.record(verb, "nothing to play")
            return None
        self.record(verb, _times("played", loop), **details)
        if loop == 0 and not listening:
            self.end("caller hung up")
        return None

    def _pause(self, verb: Verb, base: str, listening: bool = False) -> Fetch | None:
        length = vocab.PAUSE_LENGTH.of(verb)
        self._clock_ms += length * 1000
        self.record(verb, f"paused {length} s", seconds=length)
        return None

    def _gather(self, verb: Verb, base: str) -> Fetch | None:
        accepted = vocab.GATHER_INPUT.of(verb)
        kind, value = self._caller_input(accepted)
        first = len(self.steps)
        for prompt in verb.children:
            if prompt.name in vocab.GATHER_PROMPTS and self.room():
                self._PROMPTS[prompt.name](self, prompt, base, listening=bool(value))
        # The prompts' steps come first in the transcript; they say whose prompts they were.
        self.steps[first:] = [
            replace(step, details={**step.details, "within": "Gather"})
            for step in self.steps[first:]
        ]
        if self.ended:
            return None
        timeout = vocab.GATHER_TIMEOUT.of(verb)
        action = action_of(verb, base) or base
        method = vocab.METHOD.of(verb)
        parameters: dict[str, str] = {"CallStatus": "in-progress"}
        if kind == "speech" and value:
            self._speak(value)
            self.record(verb, f"heard {value!r}", speech=value, confidence=SPEECH_CONFIDENCE)
            parameters |= {"SpeechResult": value, "Confidence": SPEECH_CONFIDENCE}
            return self.fetch(verb, action, method, parameters, "gather")
        digits = self._keys(verb, value or "", timeout)
        if digits:
            self.record(verb, f"gathered {digits}", digits=digits)
            return self.fetch(verb, action, method, parameters | {"Digits": digits}, "gather")
        self.record(verb, "timed out", timeout=timeout)
        if not vocab.GATHER_ACTION_ON_EMPTY_RESULT.of(verb):
            return None
        empty = {"SpeechResult": ""} if accepted == {"speech"} else {"Digits": ""}
        return self.fetch(verb, action, method, parameters | empty, "gather")

    def _caller_input(self, accepted: frozenset[str]) -> tuple[str, str | None]:
        """What the caller gives this <Gather>: ("dtmf" or "speech", value), value None if nothing."""
        if "dtmf" in accepted:
            digits = next(self._digits, None)
            if digits is not None or "speech" not in accepted:
                return "dtmf", digits
        return "speech", next(self._speech, None)

    def _keys(self, verb: Verb, pressed: str, timeout: int) -> str:
        """The Digits the platform reports for keys pressed, advancing the clock as it goes."""
        finish = vocab.GATHER_FINISH_ON_KEY.of(verb)
        limit = vocab.GATHER_NUM_DIGITS.of(verb)
        digits = ""
        ended = False
        for key in pressed:
            self._clock_ms += MS_PER_KEY
            if finish and key == finish:
                ended = True
                break
            digits += key
            if limit and len(digits) >= limit:
                ended = True
                break
        if not ended:
            self._clock_ms += timeout * 1000
        return digits

    def _dial(self, verb: Verb, base: str) -> Fetch | None:
        targets = [
            {"noun": child.name, "value": child.text}
            for child in verb.children
            if child.name in vocab.DIAL_NOUNS
        ]
        if not targets and verb.text:
            targets = [{"noun": "Number", "value": verb.text}]
        scripted = next(self._dials, None) if targets else None
        outcome = scripted or DialOutcome("completed" if targets else "failed")
        talk = 0
        if outcome.status == "completed":
            talk = outcome.seconds if outcome.seconds is not None else DEFAULT_DIAL_SECONDS
            self._clock_ms += talk * 1000
        elif outcome.status == "no-answer":
            ringing = (
                outcome.seconds if outcome.seconds is not None else vocab.DIAL_TIMEOUT.of(verb)
            )
            self._clock_ms += ringing * 1000
        elif outcome.seconds is not None:
            self._clock_ms += outcome.seconds * 1000
        sid = self.new_sid("dial")
        details: dict[str, Any] = {
            "targets": targets,
            "status": outcome.status,
            "duration": talk,
            "sid": sid,
        }
        if "callerId" in verb.attributes:
            details["caller_id"] = verb.attributes["callerId"]
        parameters = {
            "CallStatus": "in-progress",
            "DialCallStatus": outcome.status,
            "DialCallSid": sid,
            "DialCallDuration": str(talk),
            "DialBridged": "true" if outcome.status == "completed" else "false",
        }
        if vocab.DIAL_RECORD.of(verb) not in ("do-not-record", "false") and talk:
            recording = self.new_sid("recording")
            details["recording_sid"] = recording
            parameters |= {
                "RecordingUrl": self._recording_url(recording),
                "RecordingSid": recording,
                "RecordingDuration": str(talk),
            }
        result = outcome.status if targets else "failed: nothing to dial"
        self.record(verb, result, **details)
        action = action_of(verb, base)
        if action is None:
            return None
        return self.fetch(verb, action, vocab.METHOD.of(verb), parameters, "dial")

    def _record(self, verb: Verb, base: str) -> Fetch | None:
        longest = vocab.RECORD_MAX_LENGTH.of(verb)
        silence = vocab.RECORD_TIMEOUT.of(verb)
        speech = min(RECORDED_SPEECH, longest)
        elapsed = min(speech + silence, longest) if silence else longest
        kept = speech if vocab.RECORD_TRIM.of(verb) == "trim-silence" else elapsed
        self._clock_ms += elapsed * 1000
        sid = self.new_sid("recording")
        location = self._recording_url(sid)
        self.record(
            verb,
            f"recorded {kept} s",
            url=location,
            sid=sid,
            duration=kept,
            beep=vocab.RECORD_PLAY_BEEP.of(verb),
        )
        parameters = {
            "CallStatus": "in-progress",
            "RecordingUrl": location,
            "RecordingSid": sid,
            "RecordingDuration": str(kept),
            "Digits": "",
        }
        action = action_of(verb, base) or base
        return self.fetch(verb, action, vocab.METHOD.of(verb), parameters, "record")

    def _redirect(self, verb: Verb, base: str) -> Fetch | None:
        target = resolve(base, verb.text) if verb.text else base
        method = vocab.METHOD.of(verb)
        self.record(verb, "redirected", url=target, method=method)
        return self.fetch(verb, target, method, {"CallStatus": "in-progress"}, "redirect")

    def _hangup(self, verb: Verb, base: str) -> Fetch | None:
        self.record(verb, "hung up")
        self.end("hangup")
        return None

    def _reject(self, verb: Verb) -> Fetch | None:
        if self._answered:
            self.record(verb, "hung up: the call was already answered")
            self.end("hangup")
            return None
        reason = vocab.REJECT_REASON.of(verb)
        self._status = "busy" if reason == "busy" else "no-answer"
        self.record(verb, f"rejected ({reason})", reason=reason)
        self.end("reject")
        return None

    def _message(self, verb: Verb, base: str) -> Fetch | None:
        reply, result, details = self.send(verb, base, default_to=self.from_, default_from=self.to)
        self.record(verb, result, **details)
        action = action_of(verb, base)
        if action is None:
            return None
        parameters = {"CallStatus": "in-progress", **self.reply_status(verb, reply is not None)}
        return self.fetch(verb, action, vocab.METHOD.of(verb), parameters, "message")

    _VERBS: ClassVar[Mapping[str, Callable[..., Fetch | None]]] = {
        "Say": _say,
        "Play": _play,
        "Pause": _pause,
        "Gather": _gather,
        "Dial": _dial,
        "Record": _record,
        "Redirect": _redirect,
        "Hangup": _hangup,
        "Sms": _message,
        "Message": _message,
    }
    _PROMPTS: ClassVar[Mapping[str, Callable[..., Fetch | None]]] = {
        "Say": _say,
        "Play": _play,
        "Pause": _pause,
    }

    # The call itself.

    def fetch(
        self, verb: Verb, url: str, method: str, parameters: Mapping[str, str], reason: str
    ) -> Fetch | None:
        """As for any run, except that a call past the time limit fetches nothing more."""
        if self._over_time():
            return None
        return super().fetch(verb, url, method, parameters, reason)

    def _over_time(self) -> bool:
        """Whether the call has reached the vendors' four-hour cap (and so has ended)."""
        cap = vocab.MAX_CALL_SECONDS * 1000
        if self._clock_ms < cap:
            return False
        self._clock_ms = cap
        self.end("time limit")
        return True

    def _answer(self) -> None:
        self._answered = True

    def _speak(self, text: str, loops: int = 1) -> None:
        self._clock_ms += len(text.split()) * MS_PER_WORD * loops

    def _application_error(self, code: int) -> None:
        """Say the platform's message, then end the call (even one never answered before)."""
        self._answer()
        self._speak(APPLICATION_ERROR)
        self.record("Say", "application error", text=APPLICATION_ERROR, error_code=code)
        self.error_code = code
        self.end("application error")


def _passes(loop: int) -> int:
    """How many times a prompt plays: ``loop="0"`` (forever) plays once before the caller leaves."""
    return max(loop, 1)


def _times(done: str, loop: int) -> str:
    if loop == 0:
        return f"{done} (loop forever)"
    return done if loop == 1 else f"{done} {loop} times"
