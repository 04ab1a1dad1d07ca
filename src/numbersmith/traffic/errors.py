"""Why fetching or reading a webhook's answer failed: the vendors' error codes.

Shared by the adapter that fetches documents (``delivery``) and the pure reader of LaML
(``laml``): each failure listed here sends the request to the fallback URL, when there is one.
"""

from __future__ import annotations

#: HTTP retrieval failure or timeout: the catch-all.
HTTP_RETRIEVAL_FAILURE = 11200
#: The TCP connection could not be made.
CONNECTION_FAILED = 11205
#: The host name does not resolve.
HOST_NOT_RESOLVED = 11210
#: More than three redirects.
TOO_MANY_REDIRECTS = 11215
#: The server answered 4xx or 5xx.
HTTP_ERROR_STATUS = 11217
#: The TLS handshake failed.
TLS_FAILED = 11220
#: The response body was over 64 kB.
RESPONSE_TOO_LARGE = 11750
#: Not a well-formed XML document with a <Response> root (an empty voice body too).
DOCUMENT_NOT_PARSED = 12100
#: Well-formed, but a verb, attribute or nesting is invalid: a warning, the document still runs.
DOCUMENT_INVALID = 12200
#: A Content-Type other than text/xml, application/xml, text/html or text/plain.
CONTENT_TYPE_INVALID = 12300
#: The target is not in NUMBERSMITH_WEBHOOK_ALLOW: refused without a connection. Neither vendor
#: has a code for it; to the application (and its fallback's ErrorCode) it is what a firewall
#: would make it, a connection that failed. The attempt's reason names the allowlist, and a
#: refused status callback is not retried.
TARGET_FORBIDDEN = CONNECTION_FAILED


class DocumentRejected(Exception):
    """A webhook's answer that cannot be run; ``code`` is one of the codes above."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
