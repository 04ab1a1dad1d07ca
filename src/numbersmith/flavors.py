"""Flavours: which vendor the server looks like to the code that calls it.

The same server speaks SignalWire's Compatibility API (the default) or Twilio's 2010-04-01 API.
This module is the one place that knows what differs between them below the wire's
representation: the form of identifiers and credentials, a number's default name, the path
prefixes served, what an application requires, whether test credentials exist, and what a
webhook is signed with (its headers, User-Agent and timeouts are the courier's, by the
flavour's name: ``traffic.delivery``, ``traffic.targets``). The representation of resources is
``api.representation``'s, chosen once, when the application is built: nothing looks at the
flavour per request.

A flavour is a property of a database's data (a Twilio account sid cannot name a SignalWire
project), chosen when the database is created: see ``provisioning.flavor``.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import uuid_utils

from numbersmith.numbering.nanp import friendly_name as hyphenated_name

SIGNALWIRE_NAME = "signalwire"
TWILIO_NAME = "twilio"
NAMES = (SIGNALWIRE_NAME, TWILIO_NAME)

API_VERSION = "2010-04-01"


class UnknownFlavor(ValueError):
    pass


def _uuid7() -> str:
    """A version 7 UUID (RFC 9562): a millisecond timestamp, then 74 random bits.

    Time-ordered, not random (version 4): the sids of consecutive purchases sit side by side in
    the sid index, so a group commit writes one leaf page of it rather than one page per
    purchase. On SQLite, with 100,000 numbers owned and 16 purchases a commit, that halved the
    commit's share of a purchase (33-65 µs to 17-24 µs). 74 random bits keep sids unguessable.
    """
    return str(uuid_utils.uuid7())


def _uuid4() -> str:
    return str(uuid.uuid4())


def _twilio_sid(prefix: str, time_ordered: bool = True) -> Callable[[], str]:
    """Twilio's form: two letters and 32 hex digits. Resources a table holds many of get the hex
    of a version 7 UUID (time-ordered, with 74 random bits), as SignalWire-flavoured sids are
    UUIDs of version 7, so that consecutive inserts share index pages."""
    if time_ordered:
        return lambda: prefix + uuid_utils.uuid7().hex
    return lambda: prefix + uuid.uuid4().hex


def _parenthesised_name(e164: str) -> str:
    """Twilio's default friendly name of a NANP number: ``+13103386745`` → ``(310) 338-6745``."""
    return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"


#: Twilio's prefixes for the sids a simulated run hands out (``traffic.running.SidFactory``).
_TWILIO_RUN_PREFIXES = {"dial": "CA", "recording": "RE", "message": "SM"}


@dataclass(frozen=True, slots=True)
class Flavor:
    name: str
    #: What every URI of a resource starts with.
    base_path: str
    #: The route prefix: a Starlette path (with a convertor where several prefixes are served).
    route_prefix: str
    new_account_sid: Callable[[], str]
    new_auth_token: Callable[[], str]
    new_number_sid: Callable[[], str]
    new_application_sid: Callable[[], str]
    new_call_sid: Callable[[], str]
    #: A message's sid; Twilio's differ for a message with media.
    new_message_sid: Callable[[bool], str]
    #: The sids a simulated run hands out by kind ("dial", "recording", "message").
    new_run_sid: Callable[[str], str]
    #: True when webhooks are signed with the auth token, which the project then keeps as its
    #: signing key (Twilio); otherwise a signing key of its own (SignalWire's ``PSK_…``).
    signs_with_auth_token: bool
    #: Whether each project also has test credentials (Twilio's test account sid and token).
    has_test_credentials: bool
    #: Whether an application's create and update need FriendlyName (SignalWire's do).
    application_name_required: bool
    #: A bought number's friendly name until its owner gives it one.
    default_friendly_name: Callable[[str], str] = hyphenated_name
    #: The form clients insist an account id has (the Node twilio client refuses others).
    account_sid_form: re.Pattern[str] = re.compile(r".+")

    def new_signing_key(self) -> str:
        return "PSK_" + secrets.token_urlsafe(24)


SIGNALWIRE = Flavor(
    name=SIGNALWIRE_NAME,
    base_path=f"/api/laml/{API_VERSION}",
    # /2010-04-01 is what every SDK sends; /api/laml/2010-04-01 is what SignalWire documents.
    route_prefix="/{prefix:api}",
    new_account_sid=_uuid4,
    new_auth_token=lambda: "PT" + secrets.token_hex(32),
    new_number_sid=_uuid7,
    new_application_sid=_uuid7,
    new_call_sid=_uuid7,
    new_message_sid=lambda media: _uuid7(),
    new_run_sid=lambda kind: _uuid4(),
    signs_with_auth_token=False,
    has_test_credentials=False,
    application_name_required=True,
)

_twilio_message = _twilio_sid("SM")
_twilio_mms = _twilio_sid("MM")

TWILIO = Flavor(
    name=TWILIO_NAME,
    base_path=f"/{API_VERSION}",
    route_prefix=f"/{API_VERSION}",
    new_account_sid=_twilio_sid("AC", time_ordered=False),
    new_auth_token=lambda: secrets.token_hex(16),  # 32 hex digits, as Twilio's
    new_number_sid=_twilio_sid("PN"),
    new_application_sid=_twilio_sid("AP"),
    new_call_sid=_twilio_sid("CA"),
    new_message_sid=lambda media: _twilio_mms() if media else _twilio_message(),
    new_run_sid=lambda kind: _TWILIO_RUN_PREFIXES.get(kind, "SM") + uuid.uuid4().hex,
    signs_with_auth_token=True,
    has_test_credentials=True,
    application_name_required=False,
    account_sid_form=re.compile(r"AC[0-9a-f]{32}"),
    default_friendly_name=_parenthesised_name,
)

FLAVORS = {flavor.name: flavor for flavor in (SIGNALWIRE, TWILIO)}


def named(name: str) -> Flavor:
    try:
        return FLAVORS[name.strip().lower()]
    except KeyError:
        raise UnknownFlavor(f"unknown flavour {name!r}: one of {', '.join(NAMES)}") from None
