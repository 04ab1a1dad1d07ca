"""Webhook requests over HTTP: signed, bounded in time and size, with the fallback URL.

The adapter between the simulation of inbound traffic and the user's application. Every request
is an :class:`Attempt` for the journal, whatever happens: a webhook that never answers, sends an
endless body or redirects forever costs at most its timeouts and 64 KiB, and is recorded with the
vendor's error code instead of raising. All requests share one bounded HTTP client
per server process, so a slow webhook holds one connection and nothing else.

The client is aiohttp's: with httpx, a webhook request cost about 2 ms of CPU (its connection
pool scans every connection at each request), ten times what the rest of a simulated message
costs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, Self, TypeVar
from urllib.parse import quote, quote_plus, urljoin, urlsplit

import aiohttp
import uuid_utils
import yarl
from multidict import CIMultiDict

from numbersmith.traffic import connections, errors
from numbersmith.traffic.allowlist import Allowlist
from numbersmith.traffic.connections import TargetForbidden
from numbersmith.traffic.signing import signature
from numbersmith.traffic.targets import FLAVORS, Target, Timeouts, timeouts_of

__all__ = ["Allowlist", "Attempt", "Courier", "Fetched", "Target"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Answers are read up to this many bytes; one byte more is 11750.
BODY_LIMIT = 64 * 1024
#: Redirects followed for one request; the next one is 11215.
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: 301/302/303 turn the request into a GET without parameters, as browsers and HTTP clients do;
#: 307/308 repeat it with the same method and form parameters.
_REDIRECTS_KEEPING_METHOD = frozenset({307, 308})

# SignalWire does not document its User-Agent: ours names the product honestly.
_USER_AGENTS = {"signalwire": "SignalWire-Webhook/1.0 (numbersmith)", "twilio": "TwilioProxy/1.1"}
# Every SignalWire validator reads either header; Twilio's read only their own.
_SIGNATURE_HEADERS = {
    "signalwire": ("X-SignalWire-Signature", "X-Twilio-Signature"),
    "twilio": ("X-Twilio-Signature",),
}
_FORM = "application/x-www-form-urlencoded; charset=utf-8"
# The headers every request of a flavour sends; a CIMultiDict, which aiohttp copies without
# converting (a plain dict it converts first): 0.5 µs a request less than building a dict.
_HEADERS = {
    flavor: CIMultiDict(
        {
            "User-Agent": agent,
            "Accept": "*/*",
            # A compressed answer could expand past any limit before it is checked.
            "Accept-Encoding": "identity",
        }
    )
    for flavor, agent in _USER_AGENTS.items()
}

#: A status callback is tried at most this many times (SignalWire's rule).
STATUS_CALLBACK_ATTEMPTS = 3


# Not frozen, like the other records made for every webhook request and every simulated
# message: a frozen dataclass's __init__ sets each field through object.__setattr__, and
# with these frozen an inbound message cost the server 5% more instructions. Nothing
# changes one once made.
@dataclass(slots=True)
class Attempt:
    """One HTTP request made, or refused before connecting: a line of the journal."""

    url: str  # as requested (a GET with its query appended), never the fragment
    method: str
    parameters: Mapping[str, str]
    signature: str
    fallback: bool  # this request went to the fallback URL
    started_at: float  # epoch seconds
    duration_ms: float
    status: int | None
    content_type: str | None
    body: str | None  # the answer's body, at most 64 KiB, decoded (utf-8, replacement)
    error_code: int | None  # from numbersmith.traffic.errors, None when it succeeded
    error_reason: str | None = None  # what went wrong, in words, for a person reading the journal


# Not frozen: made for every document fetched (see Attempt).
@dataclass(slots=True)
class Fetched(Generic[T]):
    """A document fetched for a call or message, and every request it took."""

    attempts: tuple[Attempt, ...]
    document: T | None  # what read() made of the successful answer
    error_code: int | None  # set when neither the URL nor the fallback gave a document
    source_url: str | None  # the URL (without fragment) the document came from


class _Failure(Exception):
    """A request that got no usable answer.

    ``status`` is the HTTP status when an answer came. ``connection_failed`` when no connection
    was made (what Twilio's ``rc`` retries); ``final`` when trying again cannot help (a refused
    target, an invalid URL).
    """

    def __init__(
        self,
        code: int,
        reason: str,
        *,
        status: int | None = None,
        connection_failed: bool = False,
        final: bool = False,
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.status = status
        self.connection_failed = connection_failed
        self.final = final


# Not frozen: made for every request (see Attempt).
@dataclass(slots=True)
class _Answer:
    """The end of a request chain: the last answer and the URL it came from (no query added)."""

    attempt: Attempt
    body: bytes
    url: str


# Not frozen: made for every request (see Attempt).
@dataclass(slots=True)
class _Request:
    """One webhook request as sent: the URL requested, its form body and signature."""

    method: str
    url: str  # the URL without fragment, before any GET query is appended
    parameters: Mapping[str, str]

    @property
    def is_get(self) -> bool:
        return self.method == "GET"

    @property
    def requested_url(self) -> str:
        if not self.is_get or not self.parameters:
            return self.url
        return self.url + _query_separator(self.url) + _query(self.parameters)

    def signature(self, key: str) -> str:
        if self.is_get:
            return signature(key, self.requested_url, None)
        return signature(key, self.url, self.parameters)


class Courier:
    """Carries webhook requests to users' applications; one per server process.

    ``flavor`` is the vendor whose behaviour is copied: its signature headers, User-Agent,
    default timeouts and retries. ``allow`` restricts where requests may go. ``max_connections``
    bounds the connections open at once: beyond it a request waits for one, within its total
    timeout.
    """

    def __init__(
        self,
        *,
        flavor: str = "signalwire",
        allow: Allowlist | None = None,
        max_connections: int = 100,
        status_retry_delay: float = 0.5,
    ) -> None:
        if flavor not in FLAVORS:
            raise ValueError(f"unknown flavor {flavor!r}: one of {sorted(FLAVORS)}")
        self.flavor = flavor
        self.allow = allow
        self.status_retry_delay = status_retry_delay
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # A number's few URLs are requested again and again: splitting one, checking its host
        # against the allowlist and making aiohttp's URL of it cost a request 3.3 µs.
        self._destination = functools.lru_cache(maxsize=1024)(self._check_destination)

    @property
    def _client(self) -> aiohttp.ClientSession:
        # Made on first use: a session belongs to the event loop it is made in, and a Courier
        # may be built before the server's loop runs (or used from another loop, as a test
        # client does, once the first is gone).
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop:
            self._loop = loop
            self._session = aiohttp.ClientSession(
                connector=connections.connector(self._max_connections, self.allow),
                auto_decompress=False,  # a compressed answer could expand past any limit
                trust_env=False,  # proxies would route around the allowlist
                # Every project's webhooks share this session: a cookie kept from one answer
                # would be sent to whichever project's webhook came next on that host.
                cookie_jar=aiohttp.DummyCookieJar(),
                timeout=aiohttp.ClientTimeout(total=None),  # ours, per request
            )
        return self._session

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None and self._loop is asyncio.get_running_loop():
            await session.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def fetch_document(
        self,
        target: Target,
        fallback: Target | None,
        parameters: Mapping[str, str],
        signing_key: str,
        read: Callable[[bytes, str | None], T],
    ) -> Fetched[T]:
        """Request ``target`` and read its answer with ``read``; when that fails, request the
        fallback once with the same parameters plus ``ErrorCode`` and ``ErrorUrl``.

        The failure that counts (``Fetched.error_code`` when both fail) is the first URL's: it is
        the cause; the fallback's own failure is in its attempt.
        """
        attempts: list[Attempt] = []
        first = await self._fetch(target, parameters, signing_key, read, False, attempts)
        if not isinstance(first, _Failure):
            document, url = first
            return Fetched(tuple(attempts), document, None, url)
        if fallback is None or not fallback.url.strip():
            return Fetched(tuple(attempts), None, first.code, None)
        with_error = {**parameters, "ErrorCode": str(first.code), "ErrorUrl": target.address}
        second = await self._fetch(fallback, with_error, signing_key, read, True, attempts)
        if not isinstance(second, _Failure):
            document, url = second
            return Fetched(tuple(attempts), document, None, url)
        return Fetched(tuple(attempts), None, first.code, None)

    async def notify(
        self, target: Target, parameters: Mapping[str, str], signing_key: str
    ) -> tuple[Attempt, ...]:
        """Send a status callback: any 2xx answer is success and its body is ignored.

        Tried up to three times in all (SignalWire's rule), with the same idempotency token, when
        no answer came (connection, name resolution, timeout) or the answer was 5xx, waiting
        ``status_retry_delay`` seconds before the second try and twice that before the third. A
        4xx answer, a forbidden target and a redirect loop are final.
        """
        attempts: list[Attempt] = []
        token = str(uuid_utils.uuid4())
        timeouts = timeouts_of(target.url, self.flavor)
        for number in range(STATUS_CALLBACK_ATTEMPTS):
            if number:
                await asyncio.sleep(self.status_retry_delay * 2 ** (number - 1))
            outcome = await self._exchange(
                target, parameters, signing_key, timeouts, token, False, attempts, lenient=True
            )
            if not isinstance(outcome, _Failure) or outcome.final:
                break
            if outcome.status is not None and outcome.status < 500:
                break
        return tuple(attempts)

    async def _fetch(
        self,
        target: Target,
        parameters: Mapping[str, str],
        key: str,
        read: Callable[[bytes, str | None], T],
        fallback: bool,
        attempts: list[Attempt],
    ) -> tuple[T, str] | _Failure:
        """One document fetch, with Twilio's retries of a failed connection."""
        timeouts = timeouts_of(target.url, self.flavor)
        token = str(uuid_utils.uuid4())
        for _ in range(1 + timeouts.retries):
            outcome = await self._exchange(
                target, parameters, key, timeouts, token, fallback, attempts, lenient=False
            )
            if not isinstance(outcome, _Failure) or not outcome.connection_failed:
                break
        if isinstance(outcome, _Failure):
            return outcome
        try:
            document = read(outcome.body, outcome.attempt.content_type)
        except errors.DocumentRejected as rejected:
            failure = _Failure(rejected.code, rejected.reason, status=outcome.attempt.status)
        except Exception:  # a reader's bug must not let a hostile document crash a request
            log.exception("reading the answer of %s failed", outcome.url)
            failure = _Failure(errors.DOCUMENT_NOT_PARSED, "the document could not be read")
        else:
            return document, outcome.url
        attempts[-1] = _failed(outcome.attempt, failure)
        return failure

    async def _exchange(
        self,
        target: Target,
        parameters: Mapping[str, str],
        key: str,
        timeouts: Timeouts,
        token: str,
        fallback: bool,
        attempts: list[Attempt],
        *,
        lenient: bool,
    ) -> _Answer | _Failure:
        """A request and the redirects it leads to, within the total timeout.

        Returns the final 2xx answer, or the failure, which is also recorded on the last
        attempt. ``lenient`` accepts an oversize body (a status callback's body is ignored).
        """
        request = _Request("GET" if target.is_get else "POST", target.address, dict(parameters))
        clock = _Clock()
        try:
            async with asyncio.timeout(timeouts.total_ms / 1000):
                for hop in range(MAX_REDIRECTS + 1):
                    clock = _Clock()
                    answer, location = await self._send(
                        request, key, timeouts, token, fallback, clock
                    )
                    if location is None:
                        refusal = _failure_of_answer(answer, lenient)
                        if refusal is not None:
                            attempts.append(_failed(answer.attempt, refusal))
                            return refusal
                        attempts.append(answer.attempt)
                        return answer
                    if hop == MAX_REDIRECTS:
                        failure = _Failure(
                            errors.TOO_MANY_REDIRECTS,
                            f"more than {MAX_REDIRECTS} redirects",
                            status=answer.attempt.status,
                        )
                        attempts.append(_failed(answer.attempt, failure))
                        return failure
                    attempts.append(answer.attempt)
                    if answer.attempt.status in _REDIRECTS_KEEPING_METHOD and not request.is_get:
                        request = _Request("POST", location, request.parameters)
                    else:  # a GET's parameters were in the old URL's query: not sent again
                        request = _Request("GET", location, {})
        except _Failure as no_answer:
            failure = no_answer
        except TimeoutError:
            failure = _Failure(
                errors.HTTP_RETRIEVAL_FAILURE,
                f"no complete answer within the total timeout of {timeouts.total_ms} ms",
            )
        attempts.append(
            Attempt(
                url=request.requested_url,
                method=request.method,
                parameters=request.parameters,
                signature=request.signature(key),
                fallback=fallback,
                started_at=clock.epoch,
                duration_ms=clock.elapsed_ms(),
                status=None,
                content_type=None,
                body=None,
                error_code=failure.code,
                error_reason=failure.reason,
            )
        )
        return failure

    async def _send(
        self,
        request: _Request,
        key: str,
        timeouts: Timeouts,
        token: str,
        fallback: bool,
        clock: _Clock,
    ) -> tuple[_Answer, str | None]:
        """Send one request and read its answer; returns the redirect's target URL, if any.

        Raises _Failure when no answer came.
        """
        signed = request.signature(key)
        try:
            destination = self._destination(request.requested_url)
            headers = CIMultiDict(_HEADERS[self.flavor])
            headers["I-Twilio-Idempotency-Token"] = token
            for name in _SIGNATURE_HEADERS[self.flavor]:
                headers[name] = signed
            content: bytes | None = None
            if request.method == "POST":
                headers["Content-Type"] = _FORM
                content = _form(request.parameters)
            async with self._client.request(
                request.method,
                destination,
                headers=headers,
                data=content,
                allow_redirects=False,  # followed here, to re-sign and count each one
                timeout=_client_timeout(timeouts),
            ) as response:
                body = await _read_limited(response)
                status = response.status
                content_type = response.headers.get("Content-Type")
                location = response.headers.get("Location")
        except TargetForbidden as forbidden:
            raise _Failure(errors.TARGET_FORBIDDEN, str(forbidden), final=True) from None
        except (aiohttp.ClientError, OSError, ValueError) as error:
            raise _failure_of(error, timeouts) from None
        attempt = Attempt(
            url=request.requested_url,
            method=request.method,
            parameters=request.parameters,
            signature=signed,
            fallback=fallback,
            started_at=clock.epoch,
            duration_ms=clock.elapsed_ms(),
            status=status,
            content_type=content_type,
            body=body[:BODY_LIMIT].decode("utf-8", errors="replace"),
            error_code=None,
        )
        redirect = None
        if status in _REDIRECTS and location is not None:
            redirect = urljoin(request.requested_url, location).partition("#")[0]
        return _Answer(attempt, body, request.url), redirect

    def _check_destination(self, url: str) -> yarl.URL:
        """``url`` as aiohttp takes it, once it is known to be an http or https URL whose host,
        if an address, the allowlist admits. Raises _Failure or TargetForbidden."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Failure(errors.HTTP_RETRIEVAL_FAILURE, "not an http or https URL", final=True)
        connections.check_literal(self.allow, parts.hostname)
        # Sent as written: the signature is over these very characters.
        return yarl.URL(url, encoded=True)


@functools.lru_cache(maxsize=256)
def _client_timeout(timeouts: Timeouts) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for one request: connect and read; the total is kept by the caller."""
    return aiohttp.ClientTimeout(
        total=None, sock_connect=timeouts.connect_ms / 1000, sock_read=timeouts.read_ms / 1000
    )


class _Clock:
    """When a request started, on the wall clock (for the journal) and a monotonic one."""

    __slots__ = ("_start", "epoch")

    def __init__(self) -> None:
        self.epoch = time.time()
        self._start = time.perf_counter()

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self._start) * 1000


def _failed(attempt: Attempt, failure: _Failure) -> Attempt:
    return Attempt(
        url=attempt.url,
        method=attempt.method,
        parameters=attempt.parameters,
        signature=attempt.signature,
        fallback=attempt.fallback,
        started_at=attempt.started_at,
        duration_ms=attempt.duration_ms,
        status=attempt.status,
        content_type=attempt.content_type,
        body=attempt.body,
        error_code=failure.code,
        error_reason=failure.reason,
    )


def _failure_of_answer(answer: _Answer, lenient: bool) -> _Failure | None:
    status = answer.attempt.status or 0
    if status >= 400:
        return _Failure(errors.HTTP_ERROR_STATUS, f"the server answered {status}", status=status)
    if not 200 <= status < 300:
        return _Failure(
            errors.HTTP_RETRIEVAL_FAILURE, f"unexpected HTTP status {status}", status=status
        )
    if len(answer.body) > BODY_LIMIT and not lenient:
        return _Failure(
            errors.RESPONSE_TOO_LARGE, f"the answer is over {BODY_LIMIT} bytes", status=status
        )
    return None


def _failure_of(error: BaseException, timeouts: Timeouts) -> _Failure:
    """The vendor's code for a request that got no answer."""
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        return _Failure(
            errors.CONNECTION_FAILED,
            f"no connection within {timeouts.connect_ms} ms",
            connection_failed=True,
        )
    if isinstance(error, aiohttp.ServerTimeoutError):
        return _Failure(
            errors.HTTP_RETRIEVAL_FAILURE,
            f"no answer within the read timeout of {timeouts.read_ms} ms",
        )
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return _Failure(errors.HOST_NOT_RESOLVED, f"the host does not resolve: {error}")
    if isinstance(error, aiohttp.ClientSSLError | aiohttp.ClientConnectorCertificateError):
        return _Failure(errors.TLS_FAILED, f"TLS handshake failed: {error}")
    if isinstance(error, aiohttp.ClientConnectorError):
        return _Failure(
            errors.CONNECTION_FAILED,
            f"connection failed: {_innermost(_causes(error))}",
            connection_failed=True,
        )
    if isinstance(error, aiohttp.InvalidURL | ValueError):
        return _Failure(errors.HTTP_RETRIEVAL_FAILURE, f"not a valid URL: {error}", final=True)
    return _Failure(
        errors.HTTP_RETRIEVAL_FAILURE, f"the request failed: {_innermost(_causes(error))}"
    )


def _causes(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _innermost(causes: list[BaseException]) -> str:
    return str(causes[-1]) or type(causes[-1]).__name__


async def _read_limited(response: aiohttp.ClientResponse) -> bytes:
    """The body, up to one byte past the limit: enough to know it is too large, and never an
    endless body in memory. A body cut short closes its connection rather than reusing it."""
    chunks: list[bytes] = []
    size = 0
    while size <= BODY_LIMIT:
        chunk = await response.content.read(BODY_LIMIT + 1 - size)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if response.content.at_eof():
            # The whole body is in: asking again only to be told so cost ~1 µs a request.
            return b"".join(chunks)
    response.close()
    return b"".join(chunks)


# Parameters repeat from request to request (the account, the number, the caller, their
# places), and quoting them anew cost a webhook request more than signing it: 24 µs of 70.
_quote_plus = functools.lru_cache(maxsize=8192)(quote_plus)
_quote = functools.lru_cache(maxsize=8192)(functools.partial(quote, safe=""))


def _form(parameters: Mapping[str, str]) -> bytes:
    """A form body, as urlencode writes it (spaces as +)."""
    return "&".join(
        f"{_quote_plus(name)}={_quote_plus(value)}" for name, value in parameters.items()
    ).encode()


def _query(parameters: Mapping[str, str]) -> str:
    # Spaces as %20 in a query string, as the vendors send them.
    return "&".join(f"{_quote(name)}={_quote(value)}" for name, value in parameters.items())


def _query_separator(url: str) -> str:
    if "?" not in url:
        return "?"
    return "" if url.endswith(("?", "&")) else "&"
