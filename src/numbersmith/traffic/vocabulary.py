"""The words of LaML: which verbs exist, what each may contain, and what its attributes mean.

One table serves two readers. ``laml.read`` checks a document against it and reports each
unknown verb, unknown attribute, bad value or bad nesting as a 12200 warning (the document still
runs, as on the vendors' platforms). The interpreter reads every attribute through an
``Attribute`` from here, so a value the reader warned about is replaced by the same default the
interpreter documents: the two can never disagree about what ``numDigits="x"`` means.

Names are case-sensitive, as on the vendors' platforms: ``<say>`` is not a verb and
``numdigits`` not an attribute.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from numbersmith.traffic.laml import Verb

T = TypeVar("T")

DTMF_KEYS = frozenset("0123456789*#")
#: The longest ``loop`` accepted: beyond it a prompt would outlast any call.
MAX_LOOP = 1000
#: The vendors end any call after four hours; no length or timeout may exceed it.
MAX_CALL_SECONDS = 4 * 60 * 60


@dataclass(frozen=True, slots=True)
class Attribute(Generic[T]):
    """An attribute whose value has rules: how to read it, and what it is when absent or bad."""

    name: str
    parse: Callable[[str], T]
    default: T

    def of(self, verb: Verb) -> T:
        """The verb's value for this attribute, or the default when it is absent or invalid."""
        raw = verb.attributes.get(self.name)
        if raw is None:
            return self.default
        try:
            return self.parse(raw)
        except ValueError:
            return self.default

    def problem(self, raw: str) -> str | None:
        """Why ``raw`` is not a valid value, or None when it is."""
        try:
            self.parse(raw)
        except ValueError as error:
            return str(error)
        return None


def whole(minimum: int, maximum: int) -> Callable[[str], int]:
    """A parser of whole numbers within ``minimum..maximum``."""

    def parse(raw: str) -> int:
        text = raw.strip()
        if not text.isascii() or not text.isdigit():
            raise ValueError(f"{raw!r} is not a whole number")
        value = int(text)
        if not minimum <= value <= maximum:
            raise ValueError(f"{value} is not between {minimum} and {maximum}")
        return value

    return parse


def choice(*values: str) -> Callable[[str], str]:
    """A parser of one of ``values``, compared without regard to case, answered as listed."""
    by_folded = {value.casefold(): value for value in values}

    def parse(raw: str) -> str:
        try:
            return by_folded[raw.strip().casefold()]
        except KeyError:
            raise ValueError(f"{raw!r} is not one of {', '.join(values)}") from None

    return parse


def boolean(raw: str) -> bool:
    """``true`` or ``false``, in any case."""
    return choice("true", "false")(raw) == "true"


def url(raw: str) -> str:
    """A URL, absolute or relative; resolving it is the interpreter's work. Empty means absent."""
    text = raw.strip()
    if not text:
        raise ValueError("an empty URL")
    return text


def key(raw: str) -> str:
    """A single DTMF key, or the empty string (no key ends the input)."""
    if raw == "" or (len(raw) == 1 and raw in DTMF_KEYS):
        return raw
    raise ValueError(f"{raw!r} is not one key of 0-9, * or #")


def keys(raw: str) -> str:
    """A set of DTMF keys written as one string, such as ``#*``."""
    if set(raw) <= DTMF_KEYS:
        return raw
    raise ValueError(f"{raw!r} holds a character that is not a key of 0-9, * or #")


def inputs(raw: str) -> frozenset[str]:
    """Gather's ``input``: ``dtmf``, ``speech`` or both, separated by spaces."""
    words = frozenset(raw.split())
    if not words or not words <= {"dtmf", "speech"}:
        raise ValueError(f"{raw!r} is not dtmf, speech or 'dtmf speech'")
    return words


def max_length(raw: str) -> int:
    """Record's ``maxLength``: seconds, where 0 means an hour (the vendors' own rule)."""
    return whole(0, MAX_CALL_SECONDS)(raw) or 3600


def _play_digits(raw: str) -> str:
    """Play's ``digits``: keys to send as tones, ``w`` for a half-second wait."""
    if set(raw) <= DTMF_KEYS | {"w"}:
        return raw
    raise ValueError(f"{raw!r} holds a character that is not a key of 0-9, *, # or w")


METHOD = Attribute("method", choice("GET", "POST"), "POST")
ACTION = Attribute("action", url, "")
LOOP = Attribute("loop", whole(0, MAX_LOOP), 1)

PLAY_DIGITS = Attribute("digits", _play_digits, "")
PAUSE_LENGTH = Attribute("length", whole(0, MAX_CALL_SECONDS), 1)

GATHER_TIMEOUT = Attribute("timeout", whole(1, 600), 5)
GATHER_FINISH_ON_KEY = Attribute("finishOnKey", key, "#")
GATHER_NUM_DIGITS: Attribute[int | None] = Attribute("numDigits", whole(1, 1000), None)
GATHER_INPUT = Attribute("input", inputs, frozenset({"dtmf"}))
GATHER_ACTION_ON_EMPTY_RESULT = Attribute("actionOnEmptyResult", boolean, False)

DIAL_TIMEOUT = Attribute("timeout", whole(5, 600), 30)
DIAL_RECORD = Attribute(
    "record",
    choice(
        "do-not-record",
        "record-from-answer",
        "record-from-ringing",
        "record-from-answer-dual",
        "record-from-ringing-dual",
        "true",
        "false",
    ),
    "do-not-record",
)

RECORD_TIMEOUT = Attribute("timeout", whole(0, MAX_CALL_SECONDS), 5)  # 0: silence never ends it
RECORD_FINISH_ON_KEY = Attribute("finishOnKey", keys, "1234567890*#")
RECORD_MAX_LENGTH = Attribute("maxLength", max_length, 3600)
RECORD_PLAY_BEEP = Attribute("playBeep", boolean, True)
RECORD_TRIM = Attribute("trim", choice("trim-silence", "do-not-trim"), "trim-silence")

REJECT_REASON = Attribute("reason", choice("rejected", "busy"), "rejected")


@dataclass(frozen=True, slots=True)
class Rule:
    """What one element may carry: its checked attributes, other known ones, and its children."""

    checked: tuple[Attribute[Any], ...] = ()
    free: frozenset[str] = frozenset()
    children: frozenset[str] = frozenset()
    #: Nouns and SSML take any children and attributes the vendors define; only verbs are checked.
    open: bool = False

    def knows(self, attribute: str) -> bool:
        return self.open or attribute in self.free or any(a.name == attribute for a in self.checked)


def _free(*names: str) -> frozenset[str]:
    return frozenset(names)


_CALLBACK = ("statusCallback", "statusCallbackMethod", "statusCallbackEvent")
_RECORDING_CALLBACK = (
    "recordingStatusCallback",
    "recordingStatusCallbackMethod",
    "recordingStatusCallbackEvent",
)
#: The SSML a <Say> may hold (its text is spoken in place).
SSML = frozenset(
    {"break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w"}
)
#: What <Dial> can reach.
DIAL_NOUNS = frozenset({"Number", "Client", "Sip", "Conference", "Queue"})
#: The prompts a <Gather> plays while it listens.
GATHER_PROMPTS = frozenset({"Say", "Play", "Pause"})

#: Verbs the vendors define that a simulated call cannot carry out: recorded, then skipped.
NOT_SIMULATED = frozenset(
    {
        "Connect",
        "Echo",
        "Enqueue",
        "Leave",
        "Pay",
        "Prompt",
        "Refer",
        "Siprec",
        "Start",
        "Stop",
        "Stream",
        "Transcription",
    }
)

RULES: Mapping[str, Rule] = {
    "Say": Rule(checked=(LOOP,), free=_free("voice", "language"), children=SSML),
    "Play": Rule(checked=(LOOP, PLAY_DIGITS)),
    "Pause": Rule(checked=(PAUSE_LENGTH,)),
    "Gather": Rule(
        checked=(
            ACTION,
            METHOD,
            GATHER_TIMEOUT,
            GATHER_FINISH_ON_KEY,
            GATHER_NUM_DIGITS,
            GATHER_INPUT,
            GATHER_ACTION_ON_EMPTY_RESULT,
        ),
        free=_free(
            "speechTimeout",
            "hints",
            "language",
            "profanityFilter",
            "partialResultCallback",
            "partialResultCallbackMethod",
            "speechModel",
            "enhanced",
            "bargeIn",
            "debug",
        ),
        children=GATHER_PROMPTS,
    ),
    "Dial": Rule(
        checked=(ACTION, METHOD, DIAL_TIMEOUT, DIAL_RECORD),
        free=_free(
            "callerId",
            "hangupOnStar",
            "timeLimit",
            "answerOnBridge",
            "ringTone",
            "recordingTrack",
            "trim",
            "sequential",
            "referUrl",
            "referMethod",
            "events",
            *_RECORDING_CALLBACK,
        ),
        children=DIAL_NOUNS,
    ),
    "Record": Rule(
        checked=(
            ACTION,
            METHOD,
            RECORD_TIMEOUT,
            RECORD_FINISH_ON_KEY,
            RECORD_MAX_LENGTH,
            RECORD_PLAY_BEEP,
            RECORD_TRIM,
        ),
        free=_free(
            "transcribe",
            "transcribeCallback",
            "storageUrl",
            "storageUrlMethod",
            *_RECORDING_CALLBACK,
        ),
    ),
    "Redirect": Rule(checked=(METHOD,)),
    "Hangup": Rule(),
    "Reject": Rule(checked=(REJECT_REASON,)),
    "Message": Rule(
        checked=(ACTION, METHOD),
        free=_free("to", "from", *_CALLBACK),
        children=frozenset({"Body", "Media"}),
    ),
    "Sms": Rule(checked=(ACTION, METHOD), free=_free("to", "from", *_CALLBACK)),
    "Body": Rule(),
    "Media": Rule(),
    **{noun: Rule(open=True) for noun in DIAL_NOUNS},
    **{tag: Rule(open=True, children=SSML) for tag in SSML},
    **{verb: Rule(open=True) for verb in NOT_SIMULATED},
}

#: Verbs that may stand directly in <Response>.
VOICE_VERBS = frozenset(
    {
        "Say",
        "Play",
        "Pause",
        "Gather",
        "Dial",
        "Record",
        "Redirect",
        "Hangup",
        "Reject",
        "Sms",
        "Message",
    }
)
MESSAGING_VERBS = frozenset({"Message", "Sms", "Redirect"})
TOP_LEVEL = VOICE_VERBS | MESSAGING_VERBS | NOT_SIMULATED
