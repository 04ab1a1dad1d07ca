"""Reading a webhook's answer into LaML verbs, safely and in bounded memory.

The answer is untrusted: it comes from whatever server a number's URL names. So the XML is
parsed by ``defusedxml`` (entity declarations and external entities are refused, never
expanded: a "billion laughs" is a 12100, not a gigabyte), streamed into a small builder instead
of a full element tree, and cut off at ``MAX_ELEMENTS`` elements, ``MAX_DEPTH`` levels and
``MAX_TEXT`` characters of text per element, so that even a document of megabytes costs memory
in proportion to what is kept. The limits are far above anything that fits the vendors' 64 kB
answer, so no valid answer is ever cut.

What the vendors refuse, this refuses with their code (``DocumentRejected``); what they run with
a warning (an unknown verb or attribute, a bad value, bad nesting), this reads and reports in
``Document.warnings`` as 12200 findings.
"""

from __future__ import annotations

import codecs
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from numbersmith.traffic import vocabulary
from numbersmith.traffic.errors import CONTENT_TYPE_INVALID, DOCUMENT_NOT_PARSED, DocumentRejected

#: Elements kept from one document; 64 kB of the shortest verb (``<Hangup/>``) is under 8,000.
MAX_ELEMENTS = 20_000
#: Nesting kept below <Response>: a verb, its nouns, and SSML inside a <Say> a few levels deep.
MAX_DEPTH = 8
#: Characters of text kept per element (four times the vendors' longest <Say>).
MAX_TEXT = 16_384
#: Warnings kept per document; the last one says how many more there were.
MAX_WARNINGS = 50

XML_TYPES = frozenset({"text/xml", "application/xml", "text/html"})
PLAIN_TYPE = "text/plain"


@dataclass(frozen=True, slots=True)
class Verb:
    """One element of a document, with its nouns or nested verbs as children."""

    name: str
    attributes: Mapping[str, str]
    #: The element's own text, stripped; the text of SSML inside a <Say> is included in place.
    text: str
    children: tuple[Verb, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """A runnable answer: the verbs of <Response>, or the text of a text/plain answer."""

    verbs: tuple[Verb, ...]
    #: Set when the answer was text/plain: a call says it, a message is answered with it.
    plain_text: str | None = None
    #: 12200 findings: the document still runs, the way the vendors run it.
    warnings: tuple[str, ...] = field(default=())


def read(body: bytes, content_type: str | None, *, allow_empty: bool = False) -> Document:
    """The document in a webhook's answer, or DocumentRejected with the vendor's code.

    ``content_type`` is the Content-Type header as sent (parameters such as charset are allowed).
    A missing one is a 12300, as is any type other than XML, HTML or plain text. An empty body is
    a 12100 unless ``allow_empty``: the vendors take an empty answer (a 204, say) to a message as
    "no reply", but an empty answer to a call as an error, so the caller says which it is.
    """
    if allow_empty and not body.strip():
        return Document(verbs=())
    media_type, charset = _media_type(content_type)
    if media_type == PLAIN_TYPE:
        return _plain(body, charset)
    if media_type not in XML_TYPES:
        shown = content_type if content_type is not None else "no Content-Type"
        raise DocumentRejected(CONTENT_TYPE_INVALID, f"{shown} is not XML, HTML or plain text")
    return _xml(body) if len(body) > _REMEMBERED_SIZE else _remembered_xml(body)


#: Answers up to this size are remembered once read. An application answers the same few
#: documents again and again, and reading one anew (a parser made, the XML parsed, the verbs
#: checked) was a twelfth of a simulated message's CPU. Documents are immutable, so sharing one is
#: safe; 512 of at most 8 KiB bound the memory to 4 MiB.
_REMEMBERED_SIZE = 8 * 1024


@functools.lru_cache(maxsize=512)
def _remembered_xml(body: bytes) -> Document:
    return _xml(body)


def _media_type(content_type: str | None) -> tuple[str | None, str]:
    """The media type, lowercased, and the charset parameter (utf-8 when absent)."""
    if content_type is None:
        return None, "utf-8"
    media_type, *parameters = content_type.split(";")
    charset = "utf-8"
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    return media_type.strip().lower(), charset


def _plain(body: bytes, charset: str) -> Document:
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    text = body.decode(charset, errors="replace").strip()
    if not text:
        raise DocumentRejected(DOCUMENT_NOT_PARSED, "the answer is empty")
    warnings: tuple[str, ...] = ()
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
        warnings = (f"the text was cut to its first {MAX_TEXT} characters",)
    return Document(verbs=(), plain_text=text, warnings=warnings)


def _xml(body: bytes) -> Document:
    # Frameworks often send a newline before the XML declaration; expat refuses that outright.
    body = body.lstrip()
    if not body:
        raise DocumentRejected(DOCUMENT_NOT_PARSED, "the answer is empty")
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False)
    try:
        parser.feed(body)
        parser.close()
    except DefusedXmlException as refused:
        raise DocumentRejected(DOCUMENT_NOT_PARSED, f"refused: {refused}") from None
    except ParseError as error:
        raise DocumentRejected(DOCUMENT_NOT_PARSED, f"not well-formed XML: {error}") from None
    if builder.root != "Response":
        raise DocumentRejected(DOCUMENT_NOT_PARSED, f"the root is <{builder.root}>, not <Response>")
    findings = _Findings()
    for note in builder.notes:
        findings.add(note)
    verbs = tuple(builder.verbs)
    for verb in verbs:
        _check(verb, parent="Response", findings=findings)
    return Document(verbs=verbs, warnings=findings.done())


class _Open:
    """An element whose end tag has not come yet."""

    __slots__ = ("attributes", "children", "kept", "name", "size", "text")

    def __init__(self, name: str, attributes: dict[str, str], kept: bool) -> None:
        self.name = name
        self.attributes = attributes
        self.text: list[str] = []
        self.size = 0
        self.children: list[Verb] = []
        self.kept = kept

    def add_text(self, text: str) -> bool:
        """Keep ``text`` up to MAX_TEXT in all; False when some of it was dropped."""
        room = MAX_TEXT - self.size
        kept = text[:room]
        self.text.append(kept)
        self.size += len(kept)
        return len(kept) == len(text)


class _Builder:
    """The target of the streaming parser: keeps the verbs under <Response>, within the limits."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.verbs: list[Verb] = []
        self.notes: list[str] = []
        self._open: list[_Open] = []
        self._elements = 0
        self._cut_elements = False
        self._cut_depth = False
        self._cut_text = False

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = _local(tag)
        if self.root is None:
            self.root = name
            self._open.append(_Open(name, {}, kept=name == "Response"))
            return
        depth = len(self._open)  # 1 for a verb directly in <Response>
        parent_kept = self._open[-1].kept
        kept = parent_kept and depth <= MAX_DEPTH and self._elements < MAX_ELEMENTS
        if parent_kept and not kept:
            if depth > MAX_DEPTH and not self._cut_depth:
                self._cut_depth = True
                self.notes.append(f"elements nested deeper than {MAX_DEPTH} levels were ignored")
            elif depth <= MAX_DEPTH and not self._cut_elements:
                self._cut_elements = True
                self.notes.append(f"the document was cut after its first {MAX_ELEMENTS} elements")
        if kept:
            self._elements += 1
        self._open.append(_Open(name, {_local(k): v for k, v in attributes.items()}, kept))

    def data(self, text: str) -> None:
        if len(self._open) < 2 or not self._open[-1].kept:
            return  # text outside any verb, or inside an element not kept
        if not self._open[-1].add_text(text) and not self._cut_text:
            self._cut_text = True
            self.notes.append(f"text was cut to its first {MAX_TEXT} characters")

    def end(self, tag: str) -> None:
        closed = self._open.pop()
        if not closed.kept or not self._open:
            return
        text = "".join(closed.text)
        verb = Verb(closed.name, closed.attributes, text.strip(), tuple(closed.children))
        parent = self._open[-1]
        if len(self._open) == 1:
            self.verbs.append(verb)
        else:
            parent.children.append(verb)
            if closed.name in vocabulary.SSML:
                # SSML is spoken where it stands: "Hello <emphasis>you</emphasis> there".
                parent.add_text(text)

    def close(self) -> None:
        return None


def _local(tag: str) -> str:
    """The name without its namespace: ``{uri}Say`` is ``Say``."""
    return tag.rpartition("}")[2]


class _Findings:
    """Warnings, the first MAX_WARNINGS of them kept, then a count of the rest."""

    def __init__(self) -> None:
        self._kept: list[str] = []
        self._more = 0

    def add(self, warning: str) -> None:
        if len(self._kept) < MAX_WARNINGS:
            self._kept.append(warning)
        else:
            self._more += 1

    def done(self) -> tuple[str, ...]:
        if self._more:
            return (*self._kept, f"and {self._more} more warnings")
        return tuple(self._kept)


def _check(verb: Verb, parent: str, findings: _Findings) -> None:
    """Report what the vendors would warn about in ``verb`` and its children (12200)."""
    rule = vocabulary.RULES.get(verb.name)
    if parent == "Response" and verb.name not in vocabulary.TOP_LEVEL:
        known = "a noun" if rule is not None else "not a LaML verb"
        findings.add(f"<{verb.name}> is {known}: it cannot stand in <Response>")
        return
    if rule is None:
        findings.add(f"<{verb.name}> is not LaML")
        return
    if rule.open:
        return
    for name in verb.attributes:
        if not rule.knows(name):
            findings.add(f"<{verb.name}> has no attribute {name!r}")
    for attribute in rule.checked:
        raw_value = verb.attributes.get(attribute.name)
        if raw_value is None:
            continue
        problem = attribute.problem(raw_value)
        if problem is not None:
            fallback = (
                "it is ignored"
                if attribute.default is None
                else f"the default {_shown(attribute.default)} is used"
            )
            findings.add(f"<{verb.name} {attribute.name}>: {problem}; {fallback}")
    for child in verb.children:
        if child.name not in rule.children:
            findings.add(f"<{child.name}> cannot be nested in <{verb.name}>: it is ignored")
        else:
            _check(child, parent=verb.name, findings=findings)


def _shown(value: object) -> str:
    if isinstance(value, frozenset):
        return " ".join(sorted(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
