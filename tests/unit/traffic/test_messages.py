"""Simulated messages: replies, media, actions, redirects, plain text, failures and limits."""

from __future__ import annotations

import pytest

from numbersmith.traffic.interpreter import MAX_STEPS, Failure, Fetch, MessageRun, Reply

from .application import CALLER, NUMBER, SMS_URL, message, xml

APP = "https://app.example.com"


def answered_by(verbs: str, **options: object):
    return message({SMS_URL: xml(verbs)}, **options)


def test_the_first_request_is_the_sms_url_with_nothing_added():
    run = MessageRun(to=NUMBER, from_=CALLER, body="hi")
    assert run.start(SMS_URL, "GET") == Fetch(
        url=SMS_URL, method="GET", parameters={}, reason="start"
    )


def test_a_message_replies_to_the_sender_from_the_number():
    result, _ = answered_by("<Message>Thanks!</Message>")
    assert result.replies == (Reply(to=CALLER, from_=NUMBER, body="Thanks!"),)
    assert (result.status, result.error_code, result.ended_by) == (
        "received",
        None,
        "document ended",
    )
    step = result.steps[0]
    assert (step.verb, step.result) == ("Message", f"sent to {CALLER}")
    assert step.details == {"to": CALLER, "from": NUMBER, "body": "Thanks!", "media": []}


def test_a_message_may_name_its_numbers():
    result, _ = answered_by('<Message to="+14155550100" from="+13105550199">Hi</Message>')
    assert result.replies == (Reply(to="+14155550100", from_="+13105550199", body="Hi"),)


def test_a_message_with_body_and_media_nouns():
    result, _ = answered_by(
        "<Message><Body>Your photos</Body>"
        "<Media>/img/one.jpg</Media><Media>https://cdn.example.net/two.png</Media></Message>"
    )
    assert result.replies == (
        Reply(
            to=CALLER,
            from_=NUMBER,
            body="Your photos",
            media=(f"{APP}/img/one.jpg", "https://cdn.example.net/two.png"),
        ),
    )


def test_media_alone_is_a_reply():
    result, _ = answered_by("<Message><Media>https://cdn.example.net/a.gif</Media></Message>")
    assert result.replies[0].body == ""
    assert result.replies[0].media == ("https://cdn.example.net/a.gif",)


def test_ten_media_are_sent_eleven_are_not():
    ten = "".join(f"<Media>/m{i}.jpg</Media>" for i in range(10))
    assert len(answered_by(f"<Message>{ten}</Message>")[0].replies[0].media) == 10
    result, _ = answered_by(f"<Message>{ten}<Media>/m10.jpg</Media></Message>")
    assert result.replies == ()
    assert result.steps[0].result == "not sent: more than 10 media"
    assert result.steps[0].details["error_code"] == 21623


def test_a_body_over_1600_characters_is_not_sent():
    assert len(answered_by(f"<Message>{'x' * 1600}</Message>")[0].replies) == 1
    result, _ = answered_by(f"<Message>{'x' * 1601}</Message>")
    assert result.replies == ()
    assert result.steps[0].details["error_code"] == 21617


def test_an_empty_message_is_not_sent():
    result, _ = answered_by("<Message/><Message>  </Message>")
    assert result.replies == ()
    assert [s.result for s in result.steps] == ["not sent: nothing to send"] * 2


def test_every_message_of_a_document_is_sent_in_order():
    result, _ = answered_by("<Message>one</Message><Sms>two</Sms><Message>three</Message>")
    assert [r.body for r in result.replies] == ["one", "two", "three"]


def test_message_action_is_told_it_was_sent_and_its_answer_replaces_the_document():
    result, fetches = message(
        {
            SMS_URL: xml(
                '<Message action="/status" method="GET">Hi</Message><Message>never</Message>'
            ),
            f"{APP}/status": xml("<Message>Follow-up</Message>"),
        }
    )
    assert fetches[1] == Fetch(
        url=f"{APP}/status",
        method="GET",
        parameters={"MessageSid": "message-0", "MessageStatus": "sent"},
        reason="message",
    )
    assert [r.body for r in result.replies] == ["Hi", "Follow-up"]


def test_an_unsent_message_tells_its_action_it_failed():
    _, fetches = message({SMS_URL: xml('<Message action="/status"/>'), f"{APP}/status": xml("")})
    assert fetches[1].parameters["MessageStatus"] == "failed"


@pytest.mark.parametrize(
    "verb,url,method",
    [
        ("<Redirect>/next</Redirect>", f"{APP}/next", "POST"),
        ('<Redirect method="GET">../other</Redirect>', "https://app.example.com/other", "GET"),
    ],
)
def test_redirect_fetches_the_next_document(verb, url, method):
    result, fetches = message(
        {
            f"{APP}/sms/in": xml(verb + "<Message>never</Message>"),
            url: xml("<Message>Redirected</Message>"),
        },
        url=f"{APP}/sms/in",
    )
    assert (fetches[1].url, fetches[1].method, fetches[1].parameters, fetches[1].reason) == (
        url,
        method,
        {},
        "redirect",
    )
    assert [r.body for r in result.replies] == ["Redirected"]


def test_a_plain_text_answer_is_the_reply():
    result, _ = message({SMS_URL: "Got it, thanks"})
    assert result.replies == (Reply(to=CALLER, from_=NUMBER, body="Got it, thanks"),)
    assert result.status == "received"


def test_an_empty_answer_is_no_reply():
    result, _ = message({SMS_URL: b""})
    assert (result.status, result.replies, result.steps) == ("received", (), ())


def test_voice_verbs_are_skipped_with_14110():
    result, _ = answered_by("<Say>Hi</Say><Message>Text</Message>")
    assert result.steps[0].result == "not a messaging verb: skipped"
    assert result.steps[0].details == {"error_code": 14110}
    assert [r.body for r in result.replies] == ["Text"]


def test_a_failed_document_fails_the_message_with_its_code():
    result, _ = message({SMS_URL: Failure(11205)})
    assert (result.status, result.error_code, result.ended_by) == (
        "failed",
        11205,
        "application error",
    )


def test_a_failure_after_a_reply_keeps_the_reply():
    result, _ = message(
        {
            SMS_URL: xml("<Message>first</Message><Redirect>/gone</Redirect>"),
            f"{APP}/gone": Failure(11217),
        }
    )
    assert [r.body for r in result.replies] == ["first"]
    assert (result.status, result.error_code) == ("failed", 11217)


def test_a_document_that_does_not_parse_fails_with_12100():
    result, _ = message({SMS_URL: b"<Response><Message>"})
    assert (result.status, result.error_code) == ("failed", 12100)


def test_the_loop_guard_ends_a_message_that_redirects_forever():
    result, fetches = answered_by("<Message>again</Message><Redirect/>", max_documents=3)
    assert len(fetches) == 3
    assert len(result.replies) == 3
    assert (result.status, result.ended_by, result.documents) == ("received", "loop guard", 3)
    assert result.steps[-1].result == "loop guard: not fetched"


def test_a_megabyte_document_sends_only_as_far_as_the_step_limit():
    result, _ = answered_by("<Message>spam</Message>" * 50_000)
    assert len(result.replies) == MAX_STEPS
    assert result.ended_by == "step limit"
