"""The interview context kept from the seed's candidate record: cleaning, caps, the seed's three shapes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from interview_common.models.api import CandidateDetailsRequest
from interview_common.models.interview_context import (
    MAX_EXPERIENCE_CHARS,
    MAX_NAME_CHARS,
    MAX_SKILL_CHARS,
    MAX_SKILLS,
    MAX_TITLE_CHARS,
    InterviewContextItem,
    clean_skills,
    clean_text,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Ada \t Lovelace\n", "Ada Lovelace"),
        ("Ada\x00\x1bLovelace", "Ada Lovelace"),
        ("", None),
        ("   ", None),
        (None, None),
        (True, None),
        (5, "5"),
        (2.5, "2.5"),
        ({"name": "Ada"}, None),
    ],
)
def test_clean_text_makes_one_tidy_line(value: Any, expected: str | None) -> None:
    assert clean_text(value, 100) == expected


def test_clean_text_cuts_on_a_word_boundary_when_there_is_one() -> None:
    assert clean_text("Senior Backend Engineer", 16) == "Senior Backend"
    assert clean_text("Supercalifragilistic", 10) == "Supercalif"


def test_skills_come_from_the_seeds_text_or_a_list_distinct_and_in_order() -> None:
    assert clean_skills("Python, AWS;python | • Go\nRust,,") == ["Python", "AWS", "Go", "Rust"]
    assert clean_skills(["Python", " aws ", "AWS", ""]) == ["Python", "aws"]
    assert clean_skills(None) == []
    assert clean_skills(7) == []


@given(st.text(max_size=3000) | st.lists(st.text(max_size=200), max_size=80))
def test_skills_never_exceed_their_caps(value: str | list[str]) -> None:
    skills = clean_skills(value)
    assert len(skills) <= MAX_SKILLS
    assert all(0 < len(skill) <= MAX_SKILL_CHARS for skill in skills)
    assert len({skill.casefold() for skill in skills}) == len(skills)


@given(
    name=st.text(max_size=500),
    title=st.text(max_size=500),
    experience=st.text(max_size=1000) | st.integers() | st.floats(allow_nan=False, allow_infinity=False),
)
def test_a_kept_context_never_exceeds_its_caps(name: str, title: str, experience: Any) -> None:
    request = CandidateDetailsRequest.model_validate(
        {"roomName": "room-1", "candidateName": name, "jobTitle": title, "experience": experience}
    )
    context = request.context()
    assert context.candidate_name is None or 0 < len(context.candidate_name) <= MAX_NAME_CHARS
    assert context.job_title is None or 0 < len(context.job_title) <= MAX_TITLE_CHARS
    assert context.experience is None or 0 < len(context.experience) <= MAX_EXPERIENCE_CHARS


def test_flat_fields_win_over_the_nested_and_agent_join_shapes() -> None:
    request = CandidateDetailsRequest.model_validate(
        {
            "roomName": "room-1",
            "candidateName": "Ada",
            "candidateProfile": {"name": "Someone else", "skills": "Go", "experience": "3 years"},
            "candidateExperience": "6 years",
            "jobInfo": {"jobTitle": "Nested title", "department": "Nested"},
            "jobTitle": "Flat title",
            "department": "Data",
        }
    )

    context = request.context()

    assert context.candidate_name == "Ada"
    assert context.job_title == "Flat title"
    assert context.job_department == "Data"
    assert context.experience == "6 years"  # agent/join's candidateExperience before candidateProfile's
    assert context.skills == ["Go"]


def test_what_is_not_kept_is_not_even_read() -> None:
    request = CandidateDetailsRequest.model_validate(
        {"roomName": "room-1", "candidateEmail": "a@b.c", "resumeAnalysis": {"x": 1}, "agentPrompt": {}}
    )

    assert "a@b.c" not in request.model_dump_json()
    assert request.context().fields_set() == {}


def test_the_item_round_trips_and_leaves_out_empty_fields() -> None:
    item = InterviewContextItem(
        room_name="room-1", updated_at="2026-01-01T09:00:00.000Z", expires_at=1, candidate_name="Ada"
    )

    stored = item.to_item()

    assert stored == {
        "PK": "ROOM#room-1",
        "SK": "CONTEXT",
        "expiresAt": 1,
        "room_name": "room-1",
        "updated_at": "2026-01-01T09:00:00.000Z",
        "candidate_name": "Ada",
    }
    assert InterviewContextItem.from_item(stored) == item
