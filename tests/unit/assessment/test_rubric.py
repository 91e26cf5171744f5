"""The default profile's rubric, the stated outcome rule in the report, and what the assessment may use."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from interview_common.models.assessment import HUMAN_DECISION_NOTICE
from interview_common.models.job_profile import DEFAULT_PROFILE, LEVELS, Competency, OutcomeRule
from interview_common.models.turn import Exchange, TurnItem
from interviewer.brains.offline import OfflineBrain
from interviewer.ports import Brain, ReportRequest

ROOT = Path(__file__).resolve().parents[3]


def test_every_competency_of_the_default_rubric_anchors_all_five_levels() -> None:
    for competency in DEFAULT_PROFILE.competencies:
        assert sorted(level.level for level in competency.levels) == list(LEVELS), competency.id
        assert all(level.description.strip() for level in competency.levels)
        assert competency.indicators, competency.id
    assert DEFAULT_PROFILE.rubric_version.startswith("default-")


def test_every_competency_is_asked_about_and_every_question_maps_to_the_rubric() -> None:
    known = {competency.id for competency in DEFAULT_PROFILE.competencies}
    asked = {cid for question in DEFAULT_PROFILE.questions for cid in question.competencies}
    assert asked == known


def test_weights_and_thresholds_live_in_the_profile() -> None:
    assert isinstance(DEFAULT_PROFILE.outcome_rule, OutcomeRule)
    assert all(isinstance(c, Competency) and c.weight > 0 for c in DEFAULT_PROFILE.competencies)


async def test_the_report_states_the_rule_with_weights_version_and_the_notice() -> None:
    # Given a profile with unequal weights, and one answered question
    weighted = DEFAULT_PROFILE.model_copy(
        update={
            "competencies": [
                c.model_copy(update={"weight": 2.0}) if c.id == "problem_solving" else c
                for c in DEFAULT_PROFILE.competencies
            ]
        }
    )
    question = weighted.questions[1]
    brain = OfflineBrain()
    answer = (
        "I investigated the logs. I tested a fix and errors fell by 30 percent. We verified it for a week."
    )
    turn = TurnItem(
        room_name="r",
        interview_id="i",
        index=1,
        question_id=question.id,
        question=question.text,
        category=question.category,
        competencies=list(question.competencies),
        status="answered",
        asked_at="2026-01-01T10:00:00.000Z",
        exchanges=[
            Exchange(
                kind="question", prompt=question.text, asked_at="2026-01-01T10:00:00.000Z", answer=answer
            )
        ],
        assessment=await brain.assess_answer(weighted, question, answer),
        expires_at=1,
    )
    request = ReportRequest(
        room_name="r",
        interview_id="i",
        candidate_id="c",
        job_id="j",
        turns=[turn],
        total_questions=len(weighted.questions),
        end_reason="completed",
        partial=False,
    )

    # When the report is written
    report = await brain.write_report(weighted, request)

    # Then it states the rule: rubric version, every weight, the thresholds; and that a person decides
    assert report.rubric_version == weighted.rubric_version
    assert f"Rubric {weighted.rubric_version}" in report.outcome_rule
    assert "Problem solving 2" in report.outcome_rule
    assert "Collaboration 1" in report.outcome_rule
    assert f"at least {weighted.outcome_rule.advance_at:g}" in report.outcome_rule
    assert (report.brain, report.model) == ("offline", brain.model)
    assert report.notice == HUMAN_DECISION_NOTICE
    assert "a person" in report.notice and "voice, face, accent" in report.notice
    # And the mean covers only what was assessed (the three unassessed competencies are not counted as
    # level 1), so with three competencies never assessed no outcome is suggested
    level = report.competencies[0].mean_level
    assert level is not None
    assert report.weighted_mean == level
    assert [c.level for c in report.competencies[1:]] == [None, None, None]
    assert report.suggested_outcome == "insufficient_evidence"
    assert "never counted as level 1" in report.outcome_rule
    # And it says what the brain is: rules, not language understanding
    assert "not language understanding" in report.brain_statement


def test_a_brain_is_given_only_the_words_of_the_answer() -> None:
    # The port hands brains text: no audio, video, timing or identity reaches an assessment
    parameters = inspect.signature(Brain.assess_answer).parameters
    assert list(parameters) == ["self", "profile", "question", "answer"]
    assert parameters["answer"].annotation in (str, "str")
    # And no brain or assessment module imports speech, video or the room
    modules = [*(ROOT / "agent_container/interviewer/brains").glob("*.py")]
    modules += [
        ROOT / "agent_container/interviewer/assessment.py",
        ROOT / "agent_container/interviewer/injection.py",
    ]
    for module in modules:
        tree = ast.parse(module.read_text())
        imported = {
            alias.name if isinstance(node, ast.Import) else (node.module or "")
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        assert not {
            name
            for name in imported
            if name.startswith(("livekit", "interviewer.speech", "interviewer.transports"))
        }, module
