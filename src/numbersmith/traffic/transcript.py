"""Exchanges as people read them on a terminal: each request made and its answer, each LaML
verb run and what came of it, the replies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from numbersmith.traffic import simulation

_REFUSALS: Mapping[type[simulation.TrafficError], str] = {
    simulation.NotOurNumber: "{} is not a number of any project",
    simulation.InvalidTo: "To {} is not a valid phone number",
    simulation.InvalidFrom: "From {} is not a valid phone number",
    simulation.ReceivesFax: "{} receives faxes (VoiceReceiveMode is fax), not calls",
    simulation.BodyTooLong: "the body is {} characters long; at most 1,600 are allowed",
    simulation.TooManyMedia: "{} media URLs; at most 10 are allowed",
    simulation.InvalidMediaUrl: "media URL {} is not a fully-qualified http or https URL",
}


def refusal(error: simulation.TrafficError) -> str:
    return _REFUSALS[type(error)].format(error)


def _request(delivery: Mapping[str, Any]) -> list[str]:
    fallback = " (fallback)" if delivery["fallback"] else ""
    if delivery["status"] is None:
        answer = "no answer"
    else:
        answer = f"{delivery['status']} {delivery['content_type'] or ''}".rstrip()
    error = f", error {delivery['error_code']}" if delivery["error_code"] else ""
    lines = [
        f"  {delivery['purpose']}{fallback}: {delivery['method']} {delivery['url']}",
        f"    → {answer}{error} in {delivery['duration_ms']:.0f} ms",
        f"    signature {delivery['signature']}",
    ]
    return lines


def _steps(steps: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = []
    for number, step in enumerate(steps, 1):
        attributes = " ".join(f'{name}="{value}"' for name, value in step["attributes"].items())
        verb = f"<{step['verb']}{' ' + attributes if attributes else ''}>"
        lines.append(f"  {number}. {verb} {step['result']}")
    return lines


def _replies(replies: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = []
    for reply in replies:
        media = f" [+{len(reply['media'])} media]" if reply["media"] else ""
        lines.append(f"  to {reply['to']} from {reply['from']}: {reply['body']}{media}")
    return lines


def text(record: Mapping[str, Any], deliveries: Sequence[Mapping[str, Any]]) -> str:
    """The exchange ``record`` and its ``deliveries`` as lines of text."""
    if "call_status" in record:
        heading = (
            f"Call {record['sid']} from {record['from']} to {record['to']}: "
            f"{record['call_status']}, {record['call_duration']} s ({record['ended_by']})"
        )
        steps = record["transcript"]
    else:
        outcome = record["status"]
        if record["error_code"]:
            outcome += f" (error {record['error_code']})"
        heading = f"Message {record['sid']} from {record['from']} to {record['to']}: {outcome}"
        steps = record["steps"]
    lines = [heading, "Requests:" if deliveries else "No requests made."]
    for delivery in deliveries:
        lines.extend(_request(delivery))
    if steps:
        lines.append("LaML run:")
        lines.extend(_steps(steps))
    if record["replies"]:
        lines.append("Replies:")
        lines.extend(_replies(record["replies"]))
    return "\n".join(lines)
