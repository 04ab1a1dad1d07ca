"""Where numbersmith's responses knowingly differ from SignalWire's published schema, and why.

A response carries exactly the fields SignalWire's published OpenAPI document gives its route
(its objects forbid any property they do not name), nothing more and nothing fewer, except the
deviations listed here. The test suite checks every response of those routes against the
published document with these deviations applied, so a field added, dropped or renamed anywhere
else fails a test, and so does a deviation listed here that a response no longer shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from numbersmith.provisioning.model import RECEIVE_MODES


@dataclass(frozen=True, slots=True)
class Deviation:
    """One field of a response that the published schema does not describe as we send it.

    ``schemas`` names the objects of the published document it applies to; ``field`` is the key
    we send. With ``renames``, the field is the published one of that name under another name;
    without, it is a field the published schema lacks, and ``value`` is the JSON schema of what
    it holds.
    """

    schemas: tuple[str, ...]
    field: str
    reason: str
    renames: str | None = None
    value: Mapping[str, Any] | None = None


#: The phone-number objects: one for a purchase and in lists, one for a fetch and an update.
_INCOMING_NUMBER = ("IncomingPhoneNumber", "IncomingPhoneNumberResponse")

VOICE_RECEIVE_MODE = Deviation(
    _INCOMING_NUMBER,
    "voice_receive_mode",
    "A purchase and an update accept VoiceReceiveMode, so the number shows what it was set to "
    "(as Twilio's representation does).",
    value={"type": "string", "enum": sorted(RECEIVE_MODES)},
)

CAPABILITIES: tuple[Deviation, ...] = tuple(
    Deviation(
        ("IncomingPhoneNumberCapabilities",),
        sent,
        "The description of the create endpoint our users gave (which wins where sources "
        "disagree) spells a number's capabilities Voice, SMS, MMS and Fax; the published schema "
        "spells them in lower case.",
        renames=sent.lower(),
    )
    for sent in ("Voice", "SMS", "MMS", "Fax")
)

DEVIATIONS: tuple[Deviation, ...] = (VOICE_RECEIVE_MODE, *CAPABILITIES)
