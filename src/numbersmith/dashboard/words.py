"""Refusals in words: the API's error code and message, for people."""

from __future__ import annotations

from numbersmith.api import errors, forms
from numbersmith.provisioning.errors import ProvisioningError
from numbersmith.traffic import simulation, transcript


def refusal(error: ProvisioningError, path: str) -> str:
    """What the API answers for ``error``, as a sentence with its code."""
    wire = errors.from_provisioning(error, forms.wire_name, path)
    return f"{wire.message} (error {wire.code})."


def traffic_refusal(error: simulation.TrafficError) -> str:
    text = transcript.refusal(error)
    return text[0].upper() + text[1:] + "."
