"""A project of a numbersmith server, as a test sees it: its credentials, SDK clients pointed at
the server, and numbersmith's own routes (inbound traffic, the journal, reset).

Standard library only: the plugin may run where numbersmith's server dependencies are not
installed (attached to a server elsewhere).
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: numbersmith's own routes.
OWN_API = "/api/numbersmith/v1"


class NumbersmithError(Exception):
    """numbersmith refused a request: its HTTP status and the error (``code``, ``message``)."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        self.code = body.get("code") if isinstance(body, dict) else None
        message = body.get("message") if isinstance(body, dict) else body
        super().__init__(f"HTTP {status}, code {self.code}: {message}")


class SDKNotInstalled(ImportError):
    """The SDK a client was asked for is not installed in this environment."""


def call(
    base_url: str,
    method: str,
    path: str,
    *,
    form: Iterable[tuple[str, str]] = (),
    authorization: str | None = None,
    timeout: float = 60.0,
) -> Any:
    """``method`` ``path`` on the server with a form body; the JSON answer (None if empty).
    Raises NumbersmithError for an answer that is not a success."""
    body = urllib.parse.urlencode(list(form)).encode() if method != "GET" else None
    request = urllib.request.Request(base_url + path, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if authorization is not None:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            content = response.read()
    except urllib.error.HTTPError as error:
        content = error.read()
        try:
            details = json.loads(content)
        except ValueError:
            details = content.decode(errors="replace")
        raise NumbersmithError(error.code, details) from None
    return json.loads(content) if content else None


@dataclass(frozen=True)
class Project:
    """A project of its own for a test, on a numbersmith server at ``base_url``."""

    base_url: str
    project_id: str
    api_token: str
    signing_key: str

    def request(self, method: str, path: str, form: Iterable[tuple[str, str]] = ()) -> Any:
        """A request as this project (HTTP Basic) to ``path`` under the server; the JSON answer.
        Raises NumbersmithError when refused."""
        pair = f"{self.project_id}:{self.api_token}".encode()
        authorization = "Basic " + base64.b64encode(pair).decode()
        return call(self.base_url, method, path, form=form, authorization=authorization)

    # --- SDK clients, pointed at the server -------------------------------------------------

    def twilio_client(self) -> Any:
        """A ``twilio.rest.Client`` authenticated as this project, talking to the server."""
        try:
            from twilio.rest import Client
        except ImportError:
            raise SDKNotInstalled(
                "twilio_client() needs the twilio package, which this environment does not "
                "have: pip install twilio"
            ) from None
        # A non-empty environment keeps the client from reading TWILIO_* variables, some of
        # which (TWILIO_EDGE, TWILIO_REGION) would send it elsewhere.
        client = Client(self.project_id, self.api_token, environment={"_": "1"})
        client.api.base_url = self.base_url
        return client

    def signalwire_client(self) -> Any:
        """A ``signalwire.rest.Client`` authenticated as this project, talking to the server."""
        try:
            from signalwire.rest import Client
        except ImportError:
            raise SDKNotInstalled(
                "signalwire_client() needs the signalwire package, which this environment "
                "does not have: pip install signalwire"
            ) from None
        client = Client(
            self.project_id, self.api_token, signalwire_space_url="example.signalwire.com"
        )
        client.api.base_url = self.base_url
        return client

    # --- Inbound traffic and the journal -----------------------------------------------------

    @property
    def _own(self) -> str:
        return f"{OWN_API}/Accounts/{self.project_id}"

    def inbound_message(
        self, to: str, body: str = "", *, from_: str | None = None, media: Sequence[str] = ()
    ) -> dict[str, Any]:
        """Deliver a message to the project's number ``to``: its webhooks are requested and the
        LaML they answer runs. The exchange: ``status``, ``replies``, ``deliveries``, …"""
        form = [("To", to), ("Body", body), *(("MediaUrl", url) for url in media)]
        if from_ is not None:
            form.append(("From", from_))
        result: dict[str, Any] = self.request("POST", f"{self._own}/InboundMessages", form)
        return result

    def inbound_call(
        self,
        to: str,
        *,
        from_: str | None = None,
        digits: Sequence[str] = (),
        speech: Sequence[str] = (),
        dial: Sequence[str] = (),
        caller_name: str | None = None,
        forwarded_from: str | None = None,
    ) -> dict[str, Any]:
        """Place a call to the project's number ``to`` and run it to its end: ``digits``,
        ``speech`` and ``dial`` answer each Gather and Dial in turn. The transcript."""
        form = [("To", to)]
        form += [("Digits", value) for value in digits]
        form += [("SpeechResult", value) for value in speech]
        form += [("DialCallStatus", value) for value in dial]
        for name, value in (
            ("From", from_),
            ("CallerName", caller_name),
            ("ForwardedFrom", forwarded_from),
        ):
            if value is not None:
                form.append((name, value))
        result: dict[str, Any] = self.request("POST", f"{self._own}/InboundCalls", form)
        return result

    def deliveries(
        self, *, phone_number: str | None = None, exchange_sid: str | None = None
    ) -> list[dict[str, Any]]:
        """Every webhook request made for the project, newest first (all pages)."""
        query = [("PageSize", "1000")]
        if phone_number is not None:
            query.append(("PhoneNumber", phone_number))
        if exchange_sid is not None:
            query.append(("ExchangeSid", exchange_sid))
        path: str | None = f"{self._own}/Deliveries?{urllib.parse.urlencode(query)}"
        found: list[dict[str, Any]] = []
        while path:
            page = self.request("GET", path)
            found += page["deliveries"]
            path = page.get("next_page_uri")
        return found

    def reset(self) -> dict[str, Any]:
        """Release the project's numbers, delete its applications, forget its journal."""
        result: dict[str, Any] = self.request("POST", f"{self._own}/Reset")
        return result
