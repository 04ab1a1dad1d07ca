"""The webhook signature: what the application checks to know a request came from us.

Twilio's scheme, which every SignalWire validator also accepts: ``base64(HMAC-SHA1(key, S))``.
For a POST, ``S`` is the URL as configured (its own query kept, the ``#…`` fragment removed, the
port as written) followed by ``name + value`` of every form parameter, sorted by name. For a GET
the parameters are already in the URL's query string, so ``S`` is the full URL requested and
nothing is appended.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping


def signature(key: str, url: str, parameters: Mapping[str, str] | None) -> str:
    """The signature of a request to ``url`` with form ``parameters`` (None for a GET)."""
    text = url.partition("#")[0]
    if parameters:
        # Sorted by code point, as the validators' sorted() does.
        text += "".join(name + parameters[name] for name in sorted(parameters))
    digest = hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")
