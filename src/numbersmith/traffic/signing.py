"""The webhook signature: what the application checks to know a request came from us.

Twilio's scheme, which every SignalWire validator also accepts: ``base64(HMAC-SHA1(key, S))``.
For a POST, ``S`` is the URL as configured (its own query kept, the ``#…`` fragment removed, the
port as written) followed by ``name + value`` of every form parameter, sorted by name. For a GET
the parameters are already in the URL's query string, so ``S`` is the full URL requested and
nothing is appended.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from collections.abc import Mapping


def signature(key: str, url: str, parameters: Mapping[str, str] | None) -> str:
    """The signature of a request to ``url`` with form ``parameters`` (None for a GET)."""
    text = url.partition("#")[0]
    if parameters:
        # Sorted by code point, as the validators' sorted() does.
        text += "".join(name + parameters[name] for name in sorted(parameters))
    mac = _keyed(key).copy()
    mac.update(text.encode("utf-8"))
    return base64.b64encode(mac.digest()).decode("ascii")


@functools.lru_cache(maxsize=1024)
def _keyed(key: str) -> hmac.HMAC:
    """An HMAC-SHA1 of ``key`` over nothing yet, to copy for each signature: a project signs
    every webhook request with one key, and setting up a new HMAC (OpenSSL fetching SHA-1 and
    hashing the key) cost more than the copy and the text's hashing together."""
    return hmac.new(key.encode("utf-8"), digestmod=hashlib.sha1)
