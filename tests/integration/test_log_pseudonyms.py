"""A candidate id that is an email never reaches a log line: a stable pseudonym stands in for it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from interview_common.lifecycle import InterviewState
from interview_common.pseudonyms import log_key, pseudonym, scrub

from tests.conftest import Api, FakeLiveKit
from tests.integration.stored_interviews import store_interview

EMAIL = "Ada.Lovelace+backend@example.com"


@pytest.fixture
def log_sink() -> Iterator[io.StringIO]:
    """Every line the Powertools logger writes while the test runs, formatted as in Lambda."""
    from interview_common.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logging.getLogger(logger.name).addHandler(handler)
    yield stream
    logging.getLogger(logger.name).removeHandler(handler)


def test_an_interview_of_an_email_candidate_leaves_no_email_in_the_logs(
    ecs_cluster: dict[str, Any],
    livekit: FakeLiveKit,
    log_sink: io.StringIO,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a candidate whose id is their email: the interview is started, polled, asked about, ended
    start = {"roomName": "room-logs-1", "candidateId": EMAIL, "jobId": "job-1"}
    assert Api("start_interview").call("POST", "/start-interview", body=start)[0] == 202
    Api("agent_status").call("GET", "/agent-status", query={"room": "room-logs-1"})
    Api("interview_status").call("GET", f"/interview-status/{EMAIL}", path_parameters={"candidateId": EMAIL})
    Api("issue_token").call("POST", "/token", body={"room": "room-logs-1", "identity": f"candidate-{EMAIL}"})
    Api("end_interview").call("POST", "/end-interview", body={"candidateId": EMAIL})
    Api("end_interview").call("POST", "/end-interview", body={"candidateId": "nobody@example.com"})

    # Then no log line holds the email, in any case
    captured = capsys.readouterr()
    text = (log_sink.getvalue() + captured.out + captured.err).lower()
    assert log_sink.getvalue(), "the routes logged something"
    assert EMAIL.lower() not in text
    assert "@example.com" not in text


def test_an_email_inside_a_log_record_becomes_its_pseudonym(log_sink: io.StringIO) -> None:
    from interview_common.observability import logger

    # When a line names the email in its message, its keys and an exception's text
    try:
        raise LookupError(f"no interview is known for candidate {EMAIL}")
    except LookupError:
        logger.exception(f"lookup failed for candidate-{EMAIL}", extra={"candidate": EMAIL, "ids": [EMAIL]})

    # Then the pseudonym stands in for it everywhere, the same each time (so lines can be followed)
    (line,) = [json.loads(text) for text in log_sink.getvalue().splitlines()]
    assert EMAIL not in json.dumps(line)
    assert line["message"] == f"lookup failed for candidate-{pseudonym(EMAIL)}"
    assert line["candidate"] == pseudonym(EMAIL) == line["ids"][0]
    assert pseudonym(EMAIL) in line["exception"]


def test_pseudonyms_are_stable_keyed_and_leave_other_ids_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from interview_common import pseudonyms

    assert pseudonym(EMAIL) == pseudonym(EMAIL.lower()) == pseudonym(f" {EMAIL} ")
    assert pseudonym(EMAIL).startswith("anon-") and len(pseudonym(EMAIL)) == len("anon-") + 16
    assert pseudonym(EMAIL) != pseudonym("grace@example.com")
    assert log_key("cand-42") == "cand-42"  # not personal data: kept as it is
    assert log_key(EMAIL) == pseudonym(EMAIL)
    assert scrub({"to": [f"x {EMAIL} y"], 3: None}) == {"to": [f"x {pseudonym(EMAIL)} y"], 3: None}

    # Another deployment's key gives other pseudonyms: they cannot be recomputed without the key
    before = pseudonym(EMAIL)
    monkeypatch.setenv("LOG_PSEUDONYM_KEY", "another-stack")
    pseudonyms._key.cache_clear()
    try:
        assert pseudonym(EMAIL) != before
    finally:
        monkeypatch.delenv("LOG_PSEUDONYM_KEY")
        pseudonyms._key.cache_clear()


def test_a_no_show_ended_for_an_email_candidate_logs_no_email(
    aws: None, livekit: FakeLiveKit, log_sink: io.StringIO
) -> None:
    store_interview("room-logs-2", candidate_id=EMAIL, state=InterviewState.WAITING_FOR_CANDIDATE)
    status, body, _ = Api("end_interview").call("POST", "/end-interview", body={"roomName": "room-logs-2"})
    assert status == 200 and body["state"] == "abandoned"
    assert "@example.com" not in log_sink.getvalue().lower()
