"""The error catalogue: every error the API answers, in the vendor's JSON shape.

The body always has exactly ``code``, ``message``, ``more_info`` and ``status``: adding ``type``
or ``title`` makes twilio 9 and twilio-node read it as RFC 9457 and raise another exception class.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson
from starlette.responses import Response

from numbersmith.provisioning import errors as domain

MORE_INFO = "https://www.twilio.com/docs/errors/{code}"

# Codes, by name, so that every route and test speaks of the same thing.
INVALID_PARAMETER = 20001
INVALID_FRIENDLY_NAME = 20002
AUTHENTICATION_FAILED = 20003
#: Twilio's: test credentials used on a resource they cannot reach (HTTP 403).
TEST_CREDENTIALS_REFUSED = 20008
METHOD_NOT_ALLOWED = 20004
NOT_FOUND = 20404
INTERNAL_ERROR = 20500
#: The database cannot be reached or cannot store changes now: a passing fault, not a bug.
SERVICE_UNAVAILABLE = 20503
INVALID_METHOD = 21209
INVALID_PHONE_NUMBER = 21401
#: A simulated message's or call's To (not a valid number, or a fax line called), or its From.
INVALID_TO = 21211
INVALID_FROM = 21212
INVALID_URL = 21402
APPLICATION_NOT_FOUND = 21420
PHONE_NUMBER_OR_AREA_CODE_REQUIRED = 21421
PHONE_NUMBER_UNAVAILABLE = 21422
INVALID_AREA_CODE = 21451
NO_NUMBERS_IN_AREA_CODE = 21452
INVALID_PAGE_TOKEN = 21481
BODY_TOO_LONG = 21617
TOO_MANY_MEDIA = 21623
PAGE_TOKEN_REQUIRED = 54453
INVALID_PAGE_SIZE = 54454
#: A search parameter SignalWire does not support, or one given without the parameter it needs.
INVALID_SEARCH_PARAMETER = 90000


class ApiError(Exception):
    """An error answered to the client as-is."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(
    status: int, code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = {
        "code": code,
        "message": message,
        "more_info": MORE_INFO.format(code=code),
        "status": status,
    }
    return Response(orjson.dumps(body), status, headers=headers, media_type="application/json")


#: Seconds a client is asked to wait before trying again while the database has a fault.
RETRY_AFTER_SECONDS = 1


def service_unavailable(message: str) -> Response:
    """503 with ``Retry-After``: what every request that needs the database gets during a fault."""
    return error_response(
        503, SERVICE_UNAVAILABLE, message, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


def database_unavailable(*, reads_work: bool, outcome_unknown: bool) -> Response:
    """The answer to a request the database could not serve; the cause is for the log only."""
    if outcome_unknown:
        message = (
            "Service unavailable: the connection to the database was lost while the change was"
            " being committed, so it may or may not have been made. Check before trying again"
        )
    elif reads_work:
        message = "Service unavailable: changes cannot be stored at the moment; reads still work"
    else:
        message = "Service unavailable: the database cannot be reached at the moment"
    return service_unavailable(message)


def authentication_failed() -> ApiError:
    return ApiError(
        401, AUTHENTICATION_FAILED, "Authentication Error - invalid username or password"
    )


def not_found(path: str) -> ApiError:
    return ApiError(404, NOT_FOUND, f"The requested resource {path} was not found")


WireName = Callable[[str], str]

_SETTING_ERRORS: dict[type[domain.SettingError], tuple[int, str]] = {
    domain.InvalidUrl: (INVALID_URL, "{name} is not a valid, fully-qualified http or https URL"),
    domain.InvalidMethod: (INVALID_METHOD, "{name} must be GET or POST"),
    domain.InvalidReceiveMode: (INVALID_METHOD, "{name} must be voice or fax"),
    domain.InvalidFriendlyName: (INVALID_FRIENDLY_NAME, "{name} must be 1 to 64 characters long"),
    domain.FriendlyNameRequired: (INVALID_FRIENDLY_NAME, "{name} is required"),
    domain.InvalidReference: (INVALID_PARAMETER, "{name} must be at most 64 characters long"),
    domain.ApplicationNotFound: (
        APPLICATION_NOT_FOUND,
        "{name} does not name an application of this account",
    ),
}


def from_provisioning(error: domain.ProvisioningError, wire_name: WireName, path: str) -> ApiError:
    """The wire form of a domain refusal; ``wire_name`` maps a setting to its parameter name."""
    if isinstance(error, domain.SettingError):
        code, template = _SETTING_ERRORS[type(error)]
        return ApiError(400, code, template.format(name=wire_name(error.setting)))
    if isinstance(error, (domain.NumberNotFound, domain.NoSuchApplication)):
        return not_found(path)
    if isinstance(error, domain.MagicInvalidNumber):
        return ApiError(400, PHONE_NUMBER_OR_AREA_CODE_REQUIRED, f"PhoneNumber {error} is invalid")
    if isinstance(error, domain.MissingNumberOrAreaCode):
        return ApiError(
            400, PHONE_NUMBER_OR_AREA_CODE_REQUIRED, "A PhoneNumber or an AreaCode is required"
        )
    if isinstance(error, domain.AreaCodeOfOtherKind):
        kind = (
            "not a toll-free area code"
            if error.toll_free_wanted
            else "a toll-free area code, not a local one"
        )
        return ApiError(400, INVALID_AREA_CODE, f"AreaCode {error} is {kind}")
    if isinstance(error, domain.InvalidAreaCode):
        return ApiError(
            400, INVALID_AREA_CODE, f"AreaCode {error} is not a valid US or Canadian area code"
        )
    if isinstance(error, domain.AreaCodeExhausted):
        return ApiError(
            400, NO_NUMBERS_IN_AREA_CODE, f"No phone numbers are available in area code {error}"
        )
    if isinstance(error, domain.InvalidPhoneNumber):
        return ApiError(
            400, INVALID_PHONE_NUMBER, f"PhoneNumber {error} is not a valid E.164 phone number"
        )
    if isinstance(error, domain.NumberUnavailable):
        return ApiError(400, PHONE_NUMBER_UNAVAILABLE, f"PhoneNumber {error} is not available")
    raise TypeError(f"no wire form for {type(error).__name__}")  # pragma: no cover
