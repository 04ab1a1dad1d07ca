"""Reading seed files: YAML and JSON to the same seed, and a bad file refused with its line."""

from __future__ import annotations

import json

import pytest

from numbersmith.provisioning import seed_file
from numbersmith.provisioning.seed import SeedError

YAML = """\
inventory:
  - first: "+13103380000"
    last: "+13103380009"
    sms: false
projects:
  - project_id: 11111111-2222-3333-4444-555555555555
    api_token: PTsecret
    signing_key: PSK_fixed
    name: ci
    applications:
      - sid: 0193a6f0-0000-7000-8000-000000000001
        friendly_name: Support
        voice_url: https://example.com/voice
    numbers:
      - phone_number: +14153880100
        sms_url: https://example.com/sms
        voice_application_sid: 0193a6f0-0000-7000-8000-000000000001
        voice_caller_id_lookup: true
"""


def test_yaml_and_json_give_the_same_seed(tmp_path):
    import yaml

    as_yaml = tmp_path / "seed.yaml"
    as_yaml.write_text(YAML)
    as_json = tmp_path / "seed.json"
    as_json.write_text(json.dumps(yaml.safe_load(YAML), indent=2))

    seed = seed_file.read(as_yaml)

    assert seed == seed_file.read(as_json)
    (project,) = seed.projects
    assert (project.project_id, project.api_token, project.signing_key, project.name) == (
        "11111111-2222-3333-4444-555555555555",
        "PTsecret",
        "PSK_fixed",
        "ci",
    )
    (number,) = project.numbers
    # Unquoted, YAML reads +14153880100 as an integer; it is still the number meant.
    assert number.phone_number == "+14153880100"
    assert number.settings == {
        "sms_url": "https://example.com/sms",
        "voice_application_sid": "0193a6f0-0000-7000-8000-000000000001",
        "voice_caller_id_lookup": True,
    }
    assert project.applications[0].settings["voice_url"] == "https://example.com/voice"
    assert seed.inventory[0].details["sms"] == "false"


def refusal(text: str, *, json_syntax: bool = False) -> SeedError:
    with pytest.raises(SeedError) as refused:
        seed_file.parse(text, json_syntax=json_syntax)
    return refused.value


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("projects:\n  - project_id: [unclosed\n", 3, "not valid YAML"),
        ("colour: red\n", 1, "unknown key 'colour'"),
        ("projects:\n  - api_token: PT\n", 2, "project_id is required"),
        (
            "projects:\n  - project_id: p\n    api_token: PT\n    numbers:\n      - phone_number: '+14155550100'\n",
            5,
            "+14155550100 is not a number we supply",
        ),
        (
            "projects:\n  - project_id: p\n    api_token: PT\n    numbers:\n      - phone_number: '+14153880100'\n"
            "        sms_url: ftp://example.com\n",
            6,
            "sms_url is not a fully-qualified http or https URL",
        ),
        (
            "projects:\n  - project_id: p\n    api_token: PT\n    applications:\n      - voice_url: https://a.example\n",
            5,
            "friendly_name is required",
        ),
        (
            "projects:\n  - project_id: p\n    api_token: PT\n    numbers:\n      - phone_number: '+14153880100'\n"
            "        voice_caller_id_lookup: maybe\n",
            6,
            "voice_caller_id_lookup must be true or false",
        ),
        (
            "inventory:\n  - first: '+13103380000'\n    last: '+13123380000'\n",
            2,
            "in different area codes",
        ),
        ("projects: 3\n", 1, "projects must be a list"),
        (
            "projects:\n  - project_id: " + "x" * 37 + "\n    api_token: PT\n",
            2,
            "at most 36 characters",
        ),
    ],
)
def test_a_bad_yaml_file_is_refused_with_the_line_and_reason(text, line, reason):
    error = refusal(text)
    assert error.line == line, error
    assert reason in error.reason, error
    assert str(error).startswith(f"line {line}: ")


def test_a_bad_json_file_is_refused_with_the_line_and_reason():
    broken = refusal('{\n  "projects": [\n    {"project_id": "p",}\n  ]\n}\n', json_syntax=True)
    assert broken.line == 3
    assert "not valid JSON" in broken.reason
    wrong = refusal(
        '{\n  "projects": [\n    {"project_id": "p", "api_token": "PT",\n'
        '     "numbers": [\n       {"phone_number": "+14153880100",\n'
        '        "sms_method": "PUT"}]}\n  ]\n}\n',
        json_syntax=True,
    )
    assert wrong.line == 5  # where the number's object opens
    assert wrong.reason == "sms_method must be GET or POST"


def test_an_empty_file_is_an_empty_seed():
    assert seed_file.parse("") == seed_file.parse("{}", json_syntax=True)


def test_the_readme_seed_example_is_a_seed():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Seed and reset", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    text = "\n".join(line.removeprefix("  ") for line in block.splitlines())

    seed = seed_file.parse(text)

    assert seed.projects[0].numbers[0].phone_number == "+14153880100"
    assert seed.inventory[0].details["sms"] == "false"
