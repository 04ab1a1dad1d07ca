"""Simulated calls: every voice verb, its defaults, the scripted caller, the clock and the limits."""

from __future__ import annotations

import pytest

from numbersmith.traffic import laml
from numbersmith.traffic.interpreter import (
    MAX_STEPS,
    CallerScript,
    CallRun,
    Failure,
    Fetch,
    Reply,
    RunEnded,
)

from .application import CALLER, NUMBER, VOICE_URL, call, xml

APP = "https://app.example.com"


def answered_by(verbs: str, script: CallerScript | None = None, **options: object):
    """A call whose voice URL answers ``verbs``; further URLs must not be fetched."""
    return call({VOICE_URL: xml(verbs)}, script, **options)


# The first request, the last, and what comes between.


def test_the_first_request_is_the_voice_url_ringing():
    run = CallRun(to=NUMBER, from_=CALLER, script=CallerScript())
    assert run.start(VOICE_URL, "get") == Fetch(
        url=VOICE_URL, method="GET", parameters={"CallStatus": "ringing"}, reason="start"
    )


def test_later_requests_say_the_call_is_in_progress():
    _, fetches = call(
        {VOICE_URL: xml("<Redirect>/next</Redirect>"), f"{APP}/next": xml("<Hangup/>")}
    )
    assert [f.parameters["CallStatus"] for f in fetches] == ["ringing", "in-progress"]


def test_a_document_that_runs_out_ends_the_call_completed():
    result, _ = answered_by("<Say>Goodbye</Say>")
    assert (result.status, result.answered, result.ended_by) == (
        "completed",
        True,
        "document ended",
    )
    assert result.steps[0].result == "said"


def test_an_empty_document_answers_and_hangs_up_at_once():
    result, _ = answered_by("")
    assert (result.status, result.answered, result.duration, result.steps) == (
        "completed",
        True,
        0,
        (),
    )


def test_a_run_is_driven_in_order():
    run = CallRun(to=NUMBER, from_=CALLER, script=CallerScript())
    with pytest.raises(RunEnded):
        run.resume(laml.read(xml("<Hangup/>"), "text/xml"), VOICE_URL)
    run.start(VOICE_URL, "POST")
    with pytest.raises(RunEnded):
        run.start(VOICE_URL, "POST")
    with pytest.raises(RunEnded):
        run.result()
    assert run.resume(laml.read(xml("<Hangup/>"), "text/xml"), VOICE_URL) is None
    with pytest.raises(RunEnded):
        run.resume(laml.read(xml("<Hangup/>"), "text/xml"), VOICE_URL)
    assert run.result().ended_by == "hangup"


# <Say>, <Play>, <Pause> and the clock.


def test_say_is_recorded_with_its_voice_and_language():
    result, _ = answered_by('<Say voice="Polly.Joanna" language="en-US">Hello there</Say>')
    step = result.steps[0]
    assert (step.verb, step.attributes, step.result) == (
        "Say",
        {"voice": "Polly.Joanna", "language": "en-US"},
        "said",
    )
    assert step.details == {"text": "Hello there", "voice": "Polly.Joanna", "language": "en-US"}


def test_say_takes_400_ms_a_word_per_loop():
    assert answered_by("<Say>one two three four five</Say>")[0].duration == 2
    assert answered_by('<Say loop="3">one two three four five</Say>')[0].duration == 6
    assert answered_by("<Say>one</Say>")[0].duration == 1  # 0.4 s, rounded up


def test_say_loop_zero_plays_once_then_the_caller_hangs_up():
    result, _ = answered_by('<Say loop="0">Please hold</Say><Say>Never heard</Say>')
    assert result.ended_by == "caller hung up"
    assert result.status == "completed"
    assert [s.result for s in result.steps] == ["said (loop forever)"]


def test_an_invalid_loop_is_one_loop():
    result, _ = answered_by('<Say loop="-1">one two three four five</Say>')
    assert result.duration == 2
    assert result.steps[0].result == "said"
    assert len(result.warnings) == 1


def test_play_resolves_its_url_and_takes_5_s_a_loop():
    result, _ = answered_by('<Play loop="2">/audio/welcome.mp3</Play>')
    assert result.steps[0].details == {"url": f"{APP}/audio/welcome.mp3"}
    assert result.steps[0].result == "played 2 times"
    assert result.duration == 10


def test_play_digits_takes_half_a_second_a_key():
    result, _ = answered_by('<Play digits="ww1234"/>')
    assert result.steps[0].details == {"digits": "ww1234"}
    assert result.duration == 3


def test_play_with_nothing_to_play_is_recorded():
    assert answered_by("<Play/>")[0].steps[0].result == "nothing to play"


@pytest.mark.parametrize("verbs,duration", [("<Pause/>", 1), ('<Pause length="7"/>', 7)])
def test_pause_advances_the_clock(verbs, duration):
    result, _ = answered_by(verbs)
    assert result.duration == duration
    assert result.steps[0].details == {"seconds": duration}


# <Gather>.


def test_gather_asks_its_own_document_url_by_post_with_the_digits():
    result, fetches = call(
        {
            VOICE_URL: lambda fetch: (
                xml("<Gather/>") if "Digits" not in fetch.parameters else xml("")
            )
        },
        CallerScript(digits=("42#",)),
    )
    assert fetches[1] == Fetch(
        url=VOICE_URL,
        method="POST",
        parameters={"CallStatus": "in-progress", "Digits": "42"},
        reason="gather",
    )
    assert result.steps[0].result == "gathered 42"


def test_gather_action_resolves_against_the_document_url():
    _, fetches = call(
        {
            f"{APP}/ivr/start": xml('<Gather action="menu?step=2" method="GET"/>'),
            f"{APP}/ivr/menu?step=2": xml(""),
        },
        CallerScript(digits=("1#",)),
        url=f"{APP}/ivr/start",
    )
    assert (fetches[1].url, fetches[1].method) == (f"{APP}/ivr/menu?step=2", "GET")


def test_gather_action_resolves_against_the_fallback_that_answered():
    run = CallRun(to=NUMBER, from_=CALLER, script=CallerScript(digits=("1#",)))
    run.start(VOICE_URL, "POST")
    fetch = run.resume(
        laml.read(xml('<Gather action="menu"/>'), "text/xml"), "https://backup.example.net/a/fb"
    )
    assert fetch is not None and fetch.url == "https://backup.example.net/a/menu"
    bare = CallRun(to=NUMBER, from_=CALLER, script=CallerScript(digits=("1#",)))
    bare.start(VOICE_URL, "POST")
    fetch = bare.resume(laml.read(xml("<Gather/>"), "text/xml"), "https://backup.example.net/fb")
    assert fetch is not None and fetch.url == "https://backup.example.net/fb"


@pytest.mark.parametrize(
    "attributes,pressed,digits",
    [
        ("", "123#9", "123"),  # finishOnKey defaults to #, which is not reported
        ('numDigits="2"', "12345", "12"),
        ('finishOnKey="*"', "12*3", "12"),
        ('finishOnKey=""', "12#3", "12#3"),
        ('numDigits="x"', "123456#", "123456"),  # invalid: no limit
        ('finishOnKey="ab"', "9#1", "9"),  # invalid: #
    ],
)
def test_gather_takes_keys_up_to_its_finish_key_or_its_digit_count(attributes, pressed, digits):
    _, fetches = call(
        {VOICE_URL: xml(f'<Gather action="/got" {attributes}/>'), f"{APP}/got": xml("")},
        CallerScript(digits=(pressed,)),
    )
    assert fetches[1].parameters["Digits"] == digits


def test_gather_waits_its_timeout_after_keys_that_do_not_finish_it():
    finished, _ = call(
        {VOICE_URL: xml('<Gather action="/got"/>'), f"{APP}/got": xml("")},
        CallerScript(digits=("12#",)),
    )
    waited, _ = call(
        {VOICE_URL: xml('<Gather action="/got" timeout="9"/>'), f"{APP}/got": xml("")},
        CallerScript(digits=("12",)),
    )
    assert finished.duration == 2  # three keys, 1.5 s
    assert waited.duration == 10  # two keys, then 9 s of waiting


def test_gather_without_input_times_out_and_falls_through():
    result, fetches = answered_by(
        '<Gather action="/never"><Say>Press one</Say></Gather><Say>We did not hear you</Say>'
    )
    assert len(fetches) == 1
    assert [(s.verb, s.result) for s in result.steps] == [
        ("Say", "said"),
        ("Gather", "timed out"),
        ("Say", "said"),
    ]
    assert result.steps[1].details == {"timeout": 5}
    assert result.duration == 1 + 5 + 2  # the prompt, the timeout, the goodbye


def test_an_empty_digits_value_is_silence():
    result, fetches = call(
        {
            VOICE_URL: xml('<Gather action="/menu"/><Redirect>/voice</Redirect>'),
            f"{APP}/menu": xml("<Say>You chose</Say>"),
        },
        CallerScript(digits=("", "3#")),
    )
    assert [s.result for s in result.steps] == ["timed out", "redirected", "gathered 3", "said"]
    assert fetches[-1].parameters["Digits"] == "3"


def test_gather_action_on_empty_result_asks_the_action_anyway():
    _, fetches = call(
        {
            VOICE_URL: xml('<Gather action="/empty" actionOnEmptyResult="true"/>'),
            f"{APP}/empty": xml(""),
        }
    )
    assert fetches[1].parameters == {"CallStatus": "in-progress", "Digits": ""}


def test_gather_prompts_are_recorded_as_its_own_and_other_nesting_ignored():
    result, _ = answered_by(
        '<Gather><Say>Press one</Say><Play>/hold.mp3</Play><Pause length="2"/><Hangup/></Gather>'
        "<Say>Still here</Say>"
    )
    assert [(s.verb, s.details.get("within")) for s in result.steps] == [
        ("Say", "Gather"),
        ("Play", "Gather"),
        ("Pause", "Gather"),
        ("Gather", None),
        ("Say", None),
    ]
    assert result.ended_by == "document ended"
    assert result.warnings == ("<Hangup> cannot be nested in <Gather>: it is ignored",)


def test_a_prompt_looping_forever_ends_when_the_caller_answers_it():
    _, fetches = call(
        {
            VOICE_URL: xml('<Gather action="/got"><Play loop="0">/music.mp3</Play></Gather>'),
            f"{APP}/got": xml(""),
        },
        CallerScript(digits=("7#",)),
    )
    assert fetches[1].parameters["Digits"] == "7"
    unanswered, _ = answered_by('<Gather><Play loop="0">/music.mp3</Play></Gather><Say>x</Say>')
    assert unanswered.ended_by == "caller hung up"


def test_gather_speech_sends_the_result_and_a_confidence():
    result, fetches = call(
        {VOICE_URL: xml('<Gather input="speech" action="/heard"/>'), f"{APP}/heard": xml("")},
        CallerScript(speech=("billing please",)),
    )
    assert fetches[1].parameters == {
        "CallStatus": "in-progress",
        "SpeechResult": "billing please",
        "Confidence": "0.9",
    }
    assert result.steps[0].result == "heard 'billing please'"


def test_gather_dtmf_and_speech_takes_digits_while_any_are_left():
    answers = {
        VOICE_URL: xml('<Gather input="dtmf speech" action="/two"/>'),
        f"{APP}/two": xml('<Gather input="dtmf speech" action="/three"/>'),
        f"{APP}/three": xml(""),
    }
    _, fetches = call(answers, CallerScript(digits=("1#",), speech=("agent",)))
    assert fetches[1].parameters["Digits"] == "1"
    assert fetches[2].parameters["SpeechResult"] == "agent"


def test_a_speech_gather_does_not_take_digits():
    result, _ = call({VOICE_URL: xml('<Gather input="speech"/>')}, CallerScript(digits=("1#",)))
    assert result.steps[0].result == "timed out"


def test_a_menu_runs_across_documents_with_the_scripted_digits():
    menu = xml(
        '<Gather numDigits="1" action="/choice"><Say>Press 1 for sales, 2 for support</Say></Gather>'
        "<Redirect>/voice</Redirect>"
    )

    def choice(fetch: Fetch) -> bytes:
        if fetch.parameters["Digits"] == "1":
            return xml("<Say>Sales</Say><Hangup/>")
        return xml("<Say>Not a choice</Say><Redirect>/voice</Redirect>")

    result, fetches = call(
        {VOICE_URL: menu, f"{APP}/choice": choice}, CallerScript(digits=("", "9", "1"))
    )
    assert [f.reason for f in fetches] == ["start", "redirect", "gather", "redirect", "gather"]
    assert [f.parameters.get("Digits") for f in fetches] == [None, None, "9", None, "1"]
    assert result.steps[-2].details["text"] == "Sales"
    assert result.ended_by == "hangup"


# <Dial>.


def test_dial_without_action_runs_the_next_verb():
    result, fetches = answered_by("<Dial>+14155550100</Dial><Say>Bye</Say>")
    assert len(fetches) == 1
    dial = result.steps[0]
    assert dial.result == "completed"
    assert dial.details == {
        "targets": [{"noun": "Number", "value": "+14155550100"}],
        "status": "completed",
        "duration": 30,
        "sid": "dial-0",
    }
    assert result.steps[1].verb == "Say"


def test_dial_action_gets_how_the_dial_ended():
    _, fetches = call(
        {
            VOICE_URL: xml('<Dial action="/after" callerId="+13105550100">+14155550100</Dial>'),
            f"{APP}/after": xml(""),
        },
        CallerScript(dial=("completed:42",)),
    )
    assert fetches[1] == Fetch(
        url=f"{APP}/after",
        method="POST",
        parameters={
            "CallStatus": "in-progress",
            "DialCallStatus": "completed",
            "DialCallSid": "dial-0",
            "DialCallDuration": "42",
            "DialBridged": "true",
        },
        reason="dial",
    )


@pytest.mark.parametrize(
    "outcome,duration,attributes",
    [
        ("busy", 0, ""),
        ("failed", 0, ""),
        ("no-answer", 30, ""),
        ("no-answer", 12, 'timeout="12"'),
        ("no-answer:7", 7, ""),
        ("busy:3", 3, ""),
    ],
)
def test_dial_outcomes_that_do_not_connect(outcome, duration, attributes):
    result, fetches = call(
        {
            VOICE_URL: xml(f'<Dial action="/after" {attributes}>+1415</Dial>'),
            f"{APP}/after": xml(""),
        },
        CallerScript(dial=(outcome,)),
    )
    status = outcome.split(":")[0]
    assert fetches[1].parameters["DialCallStatus"] == status
    assert fetches[1].parameters["DialCallDuration"] == "0"
    assert fetches[1].parameters["DialBridged"] == "false"
    assert result.duration == duration


def test_dial_nouns_are_its_targets():
    result, _ = answered_by(
        "<Dial><Number>+14155550100</Number><Client>alice</Client><Sip>sip:bob@example.com</Sip>"
        "<Conference>room</Conference><Queue>support</Queue></Dial>"
    )
    assert result.steps[0].details["targets"] == [
        {"noun": "Number", "value": "+14155550100"},
        {"noun": "Client", "value": "alice"},
        {"noun": "Sip", "value": "sip:bob@example.com"},
        {"noun": "Conference", "value": "room"},
        {"noun": "Queue", "value": "support"},
    ]


def test_each_dial_takes_the_next_scripted_outcome_then_the_default():
    result, _ = answered_by(
        "<Dial>+1</Dial><Dial>+2</Dial><Dial>+3</Dial>", CallerScript(dial=("busy", "no-answer"))
    )
    assert [s.result for s in result.steps] == ["busy", "no-answer", "completed"]
    assert result.duration == 30 + 30  # no answer rings 30 s; the default call lasts 30 s


def test_a_dial_with_nothing_to_dial_fails_without_using_the_script():
    result, _ = answered_by("<Dial/><Dial>+1</Dial>", CallerScript(dial=("busy",)))
    assert [s.result for s in result.steps] == ["failed: nothing to dial", "busy"]


def test_a_recorded_dial_reports_its_recording():
    _, fetches = call(
        {
            VOICE_URL: xml('<Dial record="record-from-answer" action="/after">+1</Dial>'),
            f"{APP}/after": xml(""),
        },
        CallerScript(dial=("completed:20",)),
    )
    assert fetches[1].parameters["RecordingSid"] == "recording-1"
    assert fetches[1].parameters["RecordingUrl"] == (
        "https://recordings.numbersmith.invalid/recording-1"
    )
    assert fetches[1].parameters["RecordingDuration"] == "20"


# <Record>.


def test_record_defaults_to_its_own_document_url_and_stops_the_document():
    result, fetches = call(
        {
            VOICE_URL: lambda f: (
                xml("<Record/><Say>unreachable</Say>") if f.reason == "start" else xml("")
            )
        }
    )
    assert fetches[1] == Fetch(
        url=VOICE_URL,
        method="POST",
        parameters={
            "CallStatus": "in-progress",
            "RecordingUrl": "https://recordings.numbersmith.invalid/recording-0",
            "RecordingSid": "recording-0",
            "RecordingDuration": "5",
            "Digits": "",
        },
        reason="record",
    )
    assert [s.verb for s in result.steps] == ["Record"]
    assert result.steps[0].result == "recorded 5 s"
    assert result.duration == 10  # 5 s of speech, then 5 s of silence


@pytest.mark.parametrize(
    "attributes,recorded,duration",
    [
        ('maxLength="3"', 3, 3),
        ('timeout="2"', 5, 7),
        ('trim="do-not-trim"', 10, 10),
        ('timeout="0" maxLength="60"', 5, 60),
    ],
)
def test_record_length_follows_its_attributes(attributes, recorded, duration):
    result, fetches = call(
        {VOICE_URL: xml(f'<Record action="/done" {attributes}/>'), f"{APP}/done": xml("")}
    )
    assert fetches[1].parameters["RecordingDuration"] == str(recorded)
    assert result.duration == duration


def test_recording_urls_come_from_the_run():
    _, fetches = call(
        {VOICE_URL: xml('<Record action="/done"/>'), f"{APP}/done": xml("")},
        recording_url=lambda sid: f"http://numbersmith.local/recordings/{sid}.wav",
    )
    assert fetches[1].parameters["RecordingUrl"] == (
        "http://numbersmith.local/recordings/recording-0.wav"
    )


# <Redirect>, <Hangup>, <Reject>.


@pytest.mark.parametrize(
    "verb,url,method",
    [
        ("<Redirect>/next</Redirect>", f"{APP}/next", "POST"),
        ('<Redirect method="GET">next?x=1</Redirect>', f"{APP}/next?x=1", "GET"),
        (
            '<Redirect method="get">https://other.example.org/x</Redirect>',
            "https://other.example.org/x",
            "GET",
        ),
        ('<Redirect method="PUT">  /next  </Redirect>', f"{APP}/next", "POST"),
        ("<Redirect/>", VOICE_URL, "POST"),
    ],
)
def test_redirect_fetches_the_next_document(verb, url, method):
    answers = {url: xml(""), VOICE_URL: lambda f: xml(verb) if f.reason == "start" else xml("")}
    _, fetches = call(answers)
    assert (fetches[1].url, fetches[1].method, fetches[1].reason) == (url, method, "redirect")


def test_verbs_after_a_redirect_never_run():
    result, _ = call(
        {VOICE_URL: xml("<Redirect>/next</Redirect><Say>never</Say>"), f"{APP}/next": xml("")}
    )
    assert [s.verb for s in result.steps] == ["Redirect"]


def test_hangup_ends_the_call_completed():
    result, _ = answered_by("<Say>Bye</Say><Hangup/><Say>never</Say>")
    assert (result.status, result.ended_by) == ("completed", "hangup")
    assert [s.verb for s in result.steps] == ["Say", "Hangup"]


def test_hangup_first_still_answers():
    result, _ = answered_by("<Hangup/>")
    assert (result.status, result.answered, result.duration) == ("completed", True, 0)


@pytest.mark.parametrize(
    "verb,status",
    [
        ("<Reject/>", "no-answer"),
        ('<Reject reason="rejected"/>', "no-answer"),
        ('<Reject reason="busy"/>', "busy"),
        ('<Reject reason="Busy"/>', "busy"),
        ('<Reject reason="later"/>', "no-answer"),
    ],
)
def test_reject_never_answers(verb, status):
    result, _ = answered_by(verb + "<Say>never</Say>")
    assert (result.status, result.answered, result.duration, result.ended_by) == (
        status,
        False,
        0,
        "reject",
    )


def test_reject_after_the_call_was_answered_hangs_up():
    result, _ = answered_by('<Say>Hi</Say><Reject reason="busy"/>')
    assert (result.status, result.answered, result.ended_by) == ("completed", True, "hangup")


# Messages during a call.


def test_sms_in_a_call_replies_to_the_caller_from_the_number():
    result, _ = answered_by("<Say>Sending</Say><Sms>Your code is 1234</Sms><Say>Sent</Say>")
    assert result.replies == (Reply(to=CALLER, from_=NUMBER, body="Your code is 1234"),)
    assert result.steps[1].result == f"sent to {CALLER}"


def test_message_in_a_call_may_name_its_numbers():
    result, _ = answered_by('<Message to="+14155550100" from="+13105550199">Hi</Message>')
    assert result.replies == (Reply(to="+14155550100", from_="+13105550199", body="Hi"),)


def test_sms_action_is_told_it_was_sent_and_its_answer_runs():
    result, fetches = call(
        {
            VOICE_URL: xml('<Sms action="/sent">Code</Sms><Say>never</Say>'),
            f"{APP}/sent": xml("<Say>Done</Say>"),
        }
    )
    assert fetches[1].parameters == {
        "CallStatus": "in-progress",
        "SmsSid": "message-0",
        "SmsStatus": "sent",
    }
    assert fetches[1].reason == "message"
    assert [s.verb for s in result.steps] == ["Sms", "Say"]


# Verbs the simulation does not carry out.


@pytest.mark.parametrize(
    "verb,result",
    [
        ('<Connect><Stream url="wss://a/b"/></Connect>', "not simulated: skipped"),
        ("<Enqueue>support</Enqueue>", "not simulated: skipped"),
        ('<Pay chargeAmount="10"/>', "not simulated: skipped"),
        ("<Foo/>", "not a voice verb: skipped"),
        ("<Body>x</Body>", "not a voice verb: skipped"),
    ],
)
def test_other_verbs_are_recorded_and_the_next_one_runs(verb, result):
    outcome, _ = answered_by(verb + "<Say>after</Say>")
    assert [s.result for s in outcome.steps] == [result, "said"]
    assert outcome.answered


# Plain text and failures.


def test_a_plain_text_answer_is_said():
    result, _ = call({VOICE_URL: "Thanks for calling, goodbye"})
    assert result.steps[0].details == {"text": "Thanks for calling, goodbye", "plain_text": True}
    assert (result.status, result.ended_by, result.duration) == ("completed", "document ended", 2)


def test_a_failed_first_document_says_the_application_error_and_completes():
    result, _ = call({VOICE_URL: Failure(11200)})
    assert result.steps[0].verb == "Say"
    assert result.steps[0].details == {
        "text": "An application error has occurred",
        "error_code": 11200,
    }
    assert (result.status, result.answered, result.ended_by, result.error_code) == (
        "completed",
        True,
        "application error",
        11200,
    )
    assert result.duration == 2  # five words


def test_a_document_that_does_not_parse_midway_ends_the_call():
    result, _ = call(
        {
            VOICE_URL: xml("<Say>Hi</Say><Redirect>/broken</Redirect>"),
            f"{APP}/broken": b"<Response>",
        }
    )
    assert [s.result for s in result.steps] == ["said", "redirected", "application error"]
    assert result.error_code == 12100


# Limits.


def test_the_loop_guard_ends_a_call_that_redirects_forever():
    result, fetches = answered_by("<Redirect/>", max_documents=5)
    assert len(fetches) == 5
    assert result.ended_by == "loop guard"
    assert result.documents == 5
    last = result.steps[-1]
    assert (last.verb, last.result, last.details) == (
        "Redirect",
        "loop guard: not fetched",
        {"url": VOICE_URL, "documents": 5},
    )
    assert result.status == "completed"


def test_the_default_loop_guard():
    result, fetches = answered_by("<Redirect/>")
    assert (len(fetches), result.ended_by) == (25, "loop guard")


def test_a_megabyte_document_runs_only_as_far_as_the_step_limit():
    result, _ = answered_by('<Pause length="0"/>' * 100_000)
    assert len(result.steps) == MAX_STEPS
    assert result.ended_by == "step limit"


def test_steps_are_limited_across_documents_and_inside_gather():
    prompts = "<Say>x</Say>" * 400
    result, _ = answered_by(f"<Gather>{prompts}</Gather><Gather>{prompts}</Gather>")
    assert len(result.steps) == MAX_STEPS
    assert result.ended_by == "step limit"


def test_a_call_ends_at_four_hours():
    result, _ = answered_by('<Pause length="14400"/><Say>never</Say>')
    assert (result.duration, result.ended_by) == (14_400, "time limit")
    assert [s.verb for s in result.steps] == ["Pause"]


def test_a_call_past_four_hours_fetches_nothing_more():
    result, fetches = call(
        {VOICE_URL: xml('<Dial action="/after">+1</Dial>'), f"{APP}/after": xml("")},
        CallerScript(dial=("completed:15000",)),
    )
    assert len(fetches) == 1
    assert (result.duration, result.ended_by) == (14_400, "time limit")


# The script.


@pytest.mark.parametrize(
    "script",
    [
        {"digits": ("12a",)},
        {"digits": ("1 2",)},
        {"dial": ("answered",)},
        {"dial": ("completed:-1",)},
        {"dial": ("busy:",)},
    ],
)
def test_a_script_the_caller_could_not_follow_is_refused(script):
    with pytest.raises(ValueError):
        CallerScript(**script)


def test_the_same_call_gives_the_same_transcript():
    answers = {
        VOICE_URL: xml('<Say>Hi</Say><Gather action="/g"/>'),
        f"{APP}/g": xml('<Dial action="/d">+1</Dial>'),
        f"{APP}/d": xml("<Record/>"),
    }
    script = CallerScript(digits=("5#",), dial=("completed:9",))
    first = call(answers, script, max_documents=4)
    assert call(answers, script, max_documents=4) == first
