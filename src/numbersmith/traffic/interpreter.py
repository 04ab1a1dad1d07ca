"""The LaML interpreter: a document and the caller's script in, steps and the next request out.

Pure: no network, no database, no clock. The adapter fetches each document a run asks for
(following fallbacks and timeouts), reads it with ``laml.read``, and hands the ``Document`` — or
a ``Failure`` with the code when even the fallback failed — back to the run:

    run = CallRun(to="+13105550100", from_="+12125550123", script=CallerScript(digits=("1",)))
    fetch = run.start(voice_url, "POST")
    while fetch is not None:
        outcome, source_url = deliver(fetch)   # the adapter's work
        fetch = run.resume(outcome, source_url)
    result = run.result()

The rules of each channel live beside their run: ``voice`` (calls, and the simulated clock)
with ``caller`` (the scripted caller), ``messaging`` (messages); ``running`` holds what both
share and the limits of a run.
"""

from numbersmith.traffic.caller import CallerScript, DialOutcome
from numbersmith.traffic.messaging import MessageResult, MessageRun
from numbersmith.traffic.running import (
    DEFAULT_MAX_DOCUMENTS,
    MAX_STEPS,
    Failure,
    Fetch,
    Outcome,
    Reply,
    RunEnded,
    SidFactory,
    Step,
)
from numbersmith.traffic.voice import CallResult, CallRun

__all__ = [
    "DEFAULT_MAX_DOCUMENTS",
    "MAX_STEPS",
    "CallResult",
    "CallRun",
    "CallerScript",
    "DialOutcome",
    "Failure",
    "Fetch",
    "MessageResult",
    "MessageRun",
    "Outcome",
    "Reply",
    "RunEnded",
    "SidFactory",
    "Step",
]
