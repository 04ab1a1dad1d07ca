"""The journal's documents: what an exchange came to and every webhook request made for it, in
the form users read them (the simulator's answers, the journal's routes, the command line).

Written once and never changed, they are stored as they are shown: snake_case keys, dates in
RFC 2822 like every other resource, every field present.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from numbersmith.provisioning.clock import rfc2822
from numbersmith.traffic.delivery import Attempt
from numbersmith.traffic.interpreter import CallResult, MessageResult, Reply, Step


def _date(seconds: float) -> str:
    return rfc2822(int(seconds * 1_000_000))


def delivery(
    exchange_sid: str, phone_number: str, purpose: str, attempt: Attempt
) -> dict[str, Any]:
    """One HTTP request made (or refused before connecting) and what came back."""
    return {
        "exchange_sid": exchange_sid,
        "phone_number": phone_number,
        "purpose": purpose,
        "url": attempt.url,
        "method": attempt.method,
        "parameters": dict(attempt.parameters),
        "signature": attempt.signature,
        "fallback": attempt.fallback,
        "date_created": _date(attempt.started_at),
        "duration_ms": round(attempt.duration_ms, 3),
        "status": attempt.status,
        "content_type": attempt.content_type,
        "body": attempt.body,
        "error_code": attempt.error_code,
    }


def _step(step: Step) -> dict[str, Any]:
    return {
        "verb": step.verb,
        "attributes": dict(step.attributes),
        "result": step.result,
        "details": dict(step.details),
    }


def _reply(reply: Reply) -> dict[str, Any]:
    return {"to": reply.to, "from": reply.from_, "body": reply.body, "media": list(reply.media)}


def message(
    *,
    sid: str,
    account_sid: str,
    to: str,
    from_: str,
    body: str,
    media: Sequence[str],
    application_sid: str | None,
    result: MessageResult,
    created: float,
) -> dict[str, Any]:
    return {
        "sid": sid,
        "account_sid": account_sid,
        "direction": "inbound",
        "to": to,
        "from": from_,
        "body": body,
        "media_urls": list(media),
        "application_sid": application_sid,
        "status": result.status,
        "error_code": result.error_code,
        "ended_by": result.ended_by,
        "warnings": list(result.warnings),
        "steps": [_step(step) for step in result.steps],
        "replies": [_reply(reply) for reply in result.replies],
        "date_created": _date(created),
    }


def call(
    *,
    sid: str,
    account_sid: str,
    to: str,
    from_: str,
    script: Mapping[str, Sequence[str]],
    application_sid: str | None,
    result: CallResult,
    created: float,
) -> dict[str, Any]:
    return {
        "sid": sid,
        "account_sid": account_sid,
        "direction": "inbound",
        "to": to,
        "from": from_,
        "caller": {name: list(values) for name, values in script.items()},
        "application_sid": application_sid,
        "call_status": result.status,
        "call_duration": result.duration,
        "answered": result.answered,
        "ended_by": result.ended_by,
        "error_code": result.error_code,
        "warnings": list(result.warnings),
        "transcript": [_step(step) for step in result.steps],
        "replies": [_reply(reply) for reply in result.replies],
        "date_created": _date(created),
    }
