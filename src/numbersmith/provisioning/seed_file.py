"""Reading a seed file (YAML, or JSON when the name ends in ``.json``) into a Seed, checking
everything that can be checked without the database, each error with its line.

The shape, with the names of ``project create --json`` and of the JSON representations::

    inventory:                          # ranges, as `numbersmith inventory add-range` takes
      - first: "+13103380000"
        last: "+13103380099"
        rate_center: LSAN DA 01         # region, locality, rate_center, lata, origin,
        sms: false                      # voice, sms, mms, fax: all optional
    projects:
      - project_id: 3f6c…               # at most 36 characters
        api_token: PT…                  # opens the project with every scope
        signing_key: PSK_…              # optional (made up once, then kept)
        name: ci                        # optional
        applications:
          - sid: 0193…                  # optional; without it, found again by friendly_name
            friendly_name: Support line
            voice_url: https://…
        numbers:
          - phone_number: "+14155550100"
            sms_url: https://…
            voice_application_sid: 0193…
"""

from __future__ import annotations

import bisect
import json
import json.scanner
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from numbersmith import numbering
from numbersmith.provisioning import errors, inventory
from numbersmith.provisioning.model import (
    APPLICATION_CONFIGURATION,
    SETTINGS,
    check_settings,
)
from numbersmith.provisioning.seed import (
    Seed,
    SeedApplication,
    SeedError,
    SeedNumber,
    SeedProject,
    SeedRange,
)

MAX_PROJECT_ID = 36  # the column's width
MAX_PROJECT_NAME = 255
MAX_SIGNING_KEY = 64
MAX_SID = 36
_BOOLEAN_SETTINGS = frozenset({"voice_caller_id_lookup"})
_RANGE_DETAILS = (
    "region",
    "locality",
    "rate_center",
    "lata",
    "origin",
    "voice",
    "sms",
    "mms",
    "fax",
)
_RANGE_FLAGS = frozenset({"voice", "sms", "mms", "fax"})


class Located(dict[str, Any]):
    """A mapping of the file, with the line it starts on and the line of each key (YAML) or
    of the mapping (JSON, whose decoder tells no more)."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


# --- Parsing, with lines ----------------------------------------------------------------------


class _YamlLoader(yaml.SafeLoader):
    pass


def _yaml_mapping(loader: _YamlLoader, node: yaml.MappingNode) -> Located:
    # YAML keys may be of any type; Located is typed for the string keys of a valid seed.
    mapping = Located(loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {
        str(loader.construct_object(key)): key.start_mark.line + 1 for key, _ in node.value
    }
    return mapping


_YamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _yaml_mapping)


def _parse_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_YamlLoader)  # safe: _YamlLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        raise SeedError(mark.line + 1 if mark else None, f"not valid YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise SeedError(None, f"not valid YAML: {exc}") from None


def _parse_json(text: str) -> Any:
    line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    decoder = json.JSONDecoder()
    # Set by JSONDecoder.__init__ but missing from typeshed's JSONDecoder.
    parse_object: Callable[..., tuple[dict[str, Any], int]] = decoder.parse_object  # type: ignore[attr-defined]

    def located_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Located, int]:
        _, start = s_and_end
        found, end = parse_object(s_and_end, *args)
        mapping = Located(found)
        mapping.line = bisect.bisect_right(line_starts, start - 1)
        return mapping, end

    # The pure-Python scanner calls parse_object through the decoder; the C one does not.
    decoder.parse_object = located_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise SeedError(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})") from None


def read(path: str | Path) -> Seed:
    """The seed in the file at ``path``; raises SeedError (with the line) or OSError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SeedError(None, f"not UTF-8 text: {exc}") from None
    return parse(text, json_syntax=path.suffix.lower() == ".json")


def parse(text: str, *, json_syntax: bool = False) -> Seed:
    """The seed ``text`` holds (YAML, or JSON with ``json_syntax``); raises SeedError."""
    document = _parse_json(text) if json_syntax else _parse_yaml(text)
    if document is None:
        return Seed()
    top = _mapping(document, None, "the file")
    _known_keys(top, ("projects", "inventory"))
    return Seed(
        projects=tuple(_project(item) for item in _list(top, "projects")),
        inventory=tuple(_range(item) for item in _list(top, "inventory")),
    )


# --- Checking ---------------------------------------------------------------------------------


def _mapping(value: Any, line: int | None, what: str) -> Located:
    if not isinstance(value, Located):
        raise SeedError(line, f"{what} must be a mapping of names to values")
    return value


def _known_keys(mapping: Located, known: tuple[str, ...] | frozenset[str]) -> None:
    for key in mapping:
        if key not in known:
            raise SeedError(
                mapping.line_of(key), f"unknown key {key!r} (known: {', '.join(sorted(known))})"
            )


def _list(mapping: Located, key: str) -> list[Located]:
    value = mapping.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SeedError(mapping.line_of(key), f"{key} must be a list")
    return [_mapping(item, mapping.line_of(key), f"each of {key}") for item in value]


def _text(mapping: Located, key: str, *, required: bool = False, longest: int = 0) -> str | None:
    value = mapping.get(key)
    line = mapping.line_of(key)
    if value is None:
        if required:
            raise SeedError(mapping.line, f"{key} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SeedError(line, f"{key} must be text")
    text = str(value)
    if required and not text:
        raise SeedError(line, f"{key} must not be empty")
    if longest and len(text) > longest:
        raise SeedError(line, f"{key} must be at most {longest} characters long")
    return text


def _settings(mapping: Located, names: tuple[str, ...]) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for name in names:
        if name not in mapping:
            continue
        value = mapping[name]
        if name in _BOOLEAN_SETTINGS:
            if not isinstance(value, bool):
                raise SeedError(mapping.line_of(name), f"{name} must be true or false")
        elif value is None:
            value = ""  # cleared, as an empty value clears it through the API
        else:
            value = _text(mapping, name)
        given[name] = value
    try:
        return check_settings(given)
    except errors.SettingError as exc:
        raise SeedError(mapping.line_of(exc.setting), _setting_reason(exc)) from None


def _setting_reason(error: errors.SettingError) -> str:
    name = error.setting
    match error:
        case errors.InvalidUrl():
            return f"{name} is not a fully-qualified http or https URL"
        case errors.InvalidMethod():
            return f"{name} must be GET or POST"
        case errors.InvalidReceiveMode():
            return f"{name} must be voice or fax"
        case errors.InvalidFriendlyName():
            return f"{name} must be 1 to 64 characters long"
        case errors.InvalidReference():
            return f"{name} must be at most 64 characters long"
    return f"{name} is not valid"


def _project(item: Located) -> SeedProject:
    _known_keys(item, ("project_id", "api_token", "signing_key", "name", "applications", "numbers"))
    project_id = _text(item, "project_id", required=True, longest=MAX_PROJECT_ID)
    api_token = _text(item, "api_token", required=True, longest=1024)
    assert project_id is not None and api_token is not None
    return SeedProject(
        project_id=project_id,
        api_token=api_token,
        name=_text(item, "name", longest=MAX_PROJECT_NAME) or "seeded",
        signing_key=_text(item, "signing_key", longest=MAX_SIGNING_KEY) or None,
        applications=tuple(_application(each) for each in _list(item, "applications")),
        numbers=tuple(_number(each) for each in _list(item, "numbers")),
        line=item.line,
    )


def _application(item: Located) -> SeedApplication:
    _known_keys(item, ("sid", *APPLICATION_CONFIGURATION))
    _text(item, "friendly_name", required=True)
    return SeedApplication(
        settings=_settings(item, APPLICATION_CONFIGURATION),
        sid=_text(item, "sid", longest=MAX_SID) or None,
        line=item.line,
    )


def _number(item: Located) -> SeedNumber:
    _known_keys(item, ("phone_number", *SETTINGS))
    text = _text(item, "phone_number", required=True)
    assert text is not None
    line = item.line_of("phone_number")
    try:
        e164 = inventory.phone_number_of(text)
    except numbering.NumberNotSupplied:
        raise SeedError(line, f"{text} is not a number we supply") from None
    except numbering.InvalidNumber:
        raise SeedError(line, f"{text} is not a valid phone number") from None
    return SeedNumber(e164, _settings(item, SETTINGS), line=item.line)


def _range(item: Located) -> SeedRange:
    _known_keys(item, ("first", "last", *_RANGE_DETAILS))
    first = _text(item, "first", required=True)
    last = _text(item, "last", required=True)
    assert first is not None and last is not None
    details: dict[str, str | None] = {}
    for name in _RANGE_DETAILS:
        value = item.get(name)
        if name in _RANGE_FLAGS and value is not None:
            if not isinstance(value, bool):
                raise SeedError(item.line_of(name), f"{name} must be true or false")
            details[name] = "true" if value else "false"
        else:
            details[name] = _text(item, name)
    try:
        inventory.NumberRange.of(first, last)
        inventory.details_of(details)
    except (inventory.InvalidRange, inventory.InvalidRecord) as exc:
        raise SeedError(item.line, str(exc)) from None
    return SeedRange(first, last, details, line=item.line)
