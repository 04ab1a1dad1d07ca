"""The simulated caller: what it presses, says, and how the calls it is put through end.

A call is tested by scripting its caller up front, so that a run needs nothing from outside but
documents. The n-th <Gather> listening for DTMF takes the n-th ``digits`` value ("" is silence:
that Gather times out), and one listening for speech takes the next ``speech`` value; one for
"dtmf speech" takes digits while any are left, then speech. Nothing left: it times out. Each
<Dial> takes the next ``dial`` outcome; with none left it is answered and lasts
``DEFAULT_DIAL_SECONDS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from numbersmith.traffic.vocabulary import DTMF_KEYS

DIAL_STATUSES = ("completed", "busy", "no-answer", "failed")
#: How long a <Dial> the script says nothing about talks (it is answered).
DEFAULT_DIAL_SECONDS = 30
_DIAL_OUTCOME = re.compile(r"(completed|busy|no-answer|failed)(?::(\d{1,5}))?")


@dataclass(frozen=True, slots=True)
class DialOutcome:
    """How one <Dial> ends, and after how many seconds (None: the default for its status).

    For ``completed`` the seconds are the talk time (``DialCallDuration``); for the others, how
    long it rang before ending so (a ``no-answer`` rings for the Dial's ``timeout`` by default).
    """

    status: str
    seconds: int | None = None

    @classmethod
    def parse(cls, text: str) -> DialOutcome:
        """``completed``, ``busy``, ``no-answer`` or ``failed``, optionally ``:SECONDS``."""
        match = _DIAL_OUTCOME.fullmatch(text.strip())
        if match is None:
            raise ValueError(
                f"{text!r} is not a dial outcome: one of {', '.join(DIAL_STATUSES)},"
                " optionally followed by :SECONDS"
            )
        seconds = match.group(2)
        return cls(match.group(1), int(seconds) if seconds is not None else None)


@dataclass(frozen=True, slots=True)
class CallerScript:
    """What the simulated caller does, in order.

    Raises ValueError for digits other than 0-9, * and #, or a dial outcome it cannot read, so
    that the edge can refuse the request before any webhook is called.
    """

    digits: tuple[str, ...] = ()
    speech: tuple[str, ...] = ()
    #: "completed", "busy", "no-answer" or "failed", optionally ":SECONDS" ("completed:42").
    dial: tuple[str, ...] = ()
    dial_outcomes: tuple[DialOutcome, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for value in self.digits:
            if not set(value) <= DTMF_KEYS:
                raise ValueError(f"{value!r} holds a character that is not a key of 0-9, * or #")
        outcomes = tuple(DialOutcome.parse(outcome) for outcome in self.dial)
        object.__setattr__(self, "dial_outcomes", outcomes)
