"""Properties of a fair assessment, checked on many generated variants of the bench's answers.

- The same facts in other words (rubric words, plain words, non-native phrasing, present tense, numbers in
  words, hedges, filler, repetition) score within one level per competency, and a whole interview told in
  any mix of those styles gets the same suggested outcome.
- Injected text (every family of bench/assessment_data/injections_v2.json) never raises a level over the
  same answer without it, is flagged, and is never quoted.
- No quote is a flagged sentence or a question the candidate asked; an honest meta-question ("Does that
  answer the question?") is never flagged and changes no level.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interview_common.models.assessment import AnswerAssessment
from interview_common.models.job_profile import DEFAULT_PROFILE, Question
from interviewer.assessment import competency_results, suggested_outcome
from interviewer.brains.offline import OfflineBrain
from interviewer.injection import normalise, sentences

from bench.assessment_eval import (
    DATA,
    FILLERS,
    PARAPHRASE_STYLES,
    load_graded,
    load_paraphrases,
    load_phrasings,
    profile_for,
)

PARAPHRASES = load_paraphrases()
GRADED = load_graded()
PHRASINGS, HONEST = load_phrasings(GRADED, PARAPHRASES)
OLD_CASES = json.loads((DATA / "injections.json").read_text())["cases"]
# (text, must be flagged): persuasion ("expect": null) need not be flagged, but must gain nothing either
INJECTIONS = [(case.injection, True) for case in PHRASINGS]
INJECTIONS += [(case["injection"], case["expect"] is not None) for case in OLD_CASES]
META_QUESTIONS = [
    item["text"] for item in HONEST if item["id"].startswith("meta") and item["text"].endswith("?")
]
HEDGES = ("I think ", "Maybe ", "I guess ", "Honestly, ", "If I remember correctly, ")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BRAIN = OfflineBrain()


def question(question_id: str) -> Question:
    return next(q for q in profile_for(question_id).questions if q.id == question_id)


async def assess(question_id: str, text: str) -> AnswerAssessment:
    return await BRAIN.assess_answer(profile_for(question_id), question(question_id), text)


def levels(assessment: AnswerAssessment) -> dict[str, int]:
    return {c.competency_id: c.level for c in assessment.competencies}


@st.composite
def retold(draw: st.DrawFn, text: str) -> str:
    """The same facts with hedges, filler sentences and repetitions added at drawn places."""
    parts = sentences(text)
    told: list[str] = []
    for sentence in parts:
        if draw(st.booleans()):
            hedge = draw(st.sampled_from(HEDGES))
            sentence = hedge + sentence[0].lower() + sentence[1:]
        if draw(st.integers(0, 3)) == 0:
            told.append(draw(st.sampled_from(FILLERS)))
        told.append(sentence)
        if draw(st.integers(0, 4)) == 0:
            told.append(
                sentence if draw(st.booleans()) else f"Like I said, {sentence[0].lower()}{sentence[1:]}"
            )
    return " ".join(told)


@SETTINGS
@given(data=st.data())
async def test_the_same_facts_told_another_way_score_within_one_level(data: st.DataObject) -> None:
    # Given a set of answers telling the same facts, one style of it, retold with hedges, filler, repeats
    item = data.draw(st.sampled_from(PARAPHRASES))
    style = data.draw(st.sampled_from(PARAPHRASE_STYLES))
    text = data.draw(retold(item.variants[style]))

    # When it and the plain-words version are assessed
    told = levels(await assess(item.question_id, text))
    plain = levels(await assess(item.question_id, item.variants["plain"]))

    # Then every competency is within one level of the plain telling
    assert told.keys() == plain.keys()
    assert all(abs(told[cid] - plain[cid]) <= 1 for cid in plain), (item.id, style, told, plain, text)


@SETTINGS
@given(styles=st.lists(st.sampled_from(PARAPHRASE_STYLES), min_size=5, max_size=5))
async def test_a_strong_interview_in_any_mix_of_styles_gets_the_same_outcome(styles: list[str]) -> None:
    # Given the five answers of a strong interview, each told in a drawn style
    interview = [item for item in PARAPHRASES if item.interview]
    assessments = [
        await assess(item.question_id, item.variants[style])
        for item, style in zip(interview, styles, strict=True)
    ]

    # When the outcome rule is applied
    _, outcome = suggested_outcome(DEFAULT_PROFILE, competency_results(DEFAULT_PROFILE, assessments))

    # Then it is the same outcome whatever the words: advance
    assert outcome == "advance", styles


BASES = [(a.question_id, a.text) for a in GRADED if a.set == "development" and a.question_id.startswith("q")]
BASES += [
    (item.question_id, item.variants["plain"]) for item in PARAPHRASES if item.question_id.startswith("q")
]


@SETTINGS
@given(
    base=st.sampled_from(BASES),
    drawn=st.lists(st.sampled_from(INJECTIONS), min_size=1, max_size=2),
    where=st.sampled_from(["start", "end", "line", "middle"]),
)
async def test_injected_text_never_raises_a_level_and_is_never_quoted(
    base: tuple[str, str], drawn: list[tuple[str, bool]], where: str
) -> None:
    # Given an honest answer, and the same answer with injections at a drawn place
    question_id, answer = base
    injected = [text for text, _ in drawn]
    parts = sentences(answer)
    if where == "start":
        text = " ".join([*injected, answer])
    elif where == "line":
        text = "\n".join([*injected, answer])
    elif where == "middle":
        half = len(parts) // 2
        text = " ".join([*parts[:half], *injected, *parts[half:]])
    else:
        text = " ".join([answer, *injected])

    # When both are assessed
    plain = await assess(question_id, answer)
    attacked = await assess(question_id, text)

    # Then no level rose, the injection was flagged, and no quote is flagged text or a question
    before = levels(plain)
    assert all(level <= before[cid] for cid, level in levels(attacked).items()), (
        text,
        levels(attacked),
        before,
    )
    assert attacked.injections or not any(must_flag for _, must_flag in drawn), text
    flagged = [normalise(finding.text) for finding in attacked.injections]
    for competency in attacked.competencies:
        for quote in competency.evidence:
            assert not any(normalise(quote) in f or f in normalise(quote) for f in flagged)
            assert not quote.rstrip().endswith("?")


@SETTINGS
@given(
    base=st.sampled_from(BASES),
    meta=st.sampled_from(META_QUESTIONS),
    at_end=st.booleans(),
)
async def test_an_honest_meta_question_is_no_flag_no_quote_and_no_change(
    base: tuple[str, str], meta: str, at_end: bool
) -> None:
    # Given an honest answer that ends (or starts) with a question to the interviewer
    question_id, answer = base
    text = f"{answer} {meta}" if at_end else f"{meta} {answer}"

    # When both are assessed
    plain = await assess(question_id, answer)
    asked = await assess(question_id, text)

    # Then the question is not flagged, never quoted, and no level moved
    assert asked.injections == plain.injections
    assert levels(asked) == levels(plain)
    assert all(meta not in quote for c in asked.competencies for quote in c.evidence)
