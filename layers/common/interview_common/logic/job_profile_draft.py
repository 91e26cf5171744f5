"""Use case: a proposed profile from a job description (POST /jobs/{jobId}/profile/draft). Saves nothing.

- The OpenAI brain, when a key is configured (openai_draft_writer, plain HTTPS: the Lambdas never import
  openai), writes competencies and questions from the description. Its proposal is validated exactly as a
  PUT body (fields, cross-references, the text screen); when it cannot be had or is not a valid profile,
  the offline brain drafts instead and the notes say why.
- The offline brain: the description's words select competencies from a library
  (data/competency_library.json) by their keywords; each selected competency brings its anchored levels,
  indicators and questions. The description is only matched word by word: it is never copied into the
  profile, so a description cannot put instructions into the questions or the rubric.

The draft says which brain wrote it (and, offline, which words chose each competency), so a person can
see why, edit it and PUT it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from interview_common.errors import DomainError
from interview_common.logic.job_profile import parse_profile_body
from interview_common.models.job_profile_api import DraftMatch, DraftRequest, DraftResponse
from interview_common.observability import logger
from interview_common.openai_draft_writer import DraftWriterFailed, OpenAIDraftWriter

LIBRARY_PATH = Path(__file__).resolve().parent.parent / "data" / "competency_library.json"
MIN_COMPETENCIES = 3
MAX_COMPETENCIES = 5
MAX_QUESTIONS = 6
# Picked when the description matches fewer than MIN_COMPETENCIES (general and fair to every role).
FALLBACK_ORDER = ("problem_solving", "communication", "collaboration", "ownership")
_WORD = re.compile(r"[a-z0-9][a-z0-9+#-]*")


@lru_cache(maxsize=1)
def competency_library() -> dict[str, Any]:
    return dict(json.loads(LIBRARY_PATH.read_text(encoding="utf-8")))


def draft_profile(
    job_id: str, request: DraftRequest, *, writer: OpenAIDraftWriter | None = None
) -> DraftResponse:
    fallback_note = None
    if writer is not None:
        try:
            return _openai_draft(job_id, request, writer)
        except DraftWriterFailed as error:
            fallback_note = (
                f"The OpenAI brain's draft could not be had ({error}); the offline brain wrote this one."
            )
        except DomainError as refused:  # not a valid profile, or text the screen refuses
            first = refused.details[0] if refused.details else {"field": "body", "message": refused.message}
            fallback_note = (
                "The OpenAI brain's draft was not a usable profile "
                f"({first['field'].removeprefix('body.')}: {first['message']}); "
                "the offline brain wrote this one."
            )
        logger.warning("OpenAI draft not used", extra={"job_id": job_id, "reason": fallback_note})
    draft = _offline_draft(job_id, request)
    if fallback_note:
        return draft.model_copy(update={"notes": [fallback_note, *draft.notes]})
    return draft


def _openai_draft(job_id: str, request: DraftRequest, writer: OpenAIDraftWriter) -> DraftResponse:
    proposal = writer.write(job_id=job_id, title=request.title, description=request.description)
    if request.title:
        proposal["title"] = request.title  # the hiring team's own title wins
    validated = parse_profile_body(json.dumps(proposal), job_id)
    logger.info(
        "profile drafted",
        extra={"job_id": job_id, "brain": "openai", "competencies": [c.id for c in validated.competencies]},
    )
    return DraftResponse(
        job_id=job_id,
        brain="openai",
        model=writer.model,
        method="written by the OpenAI brain from the description, then validated as a PUT body",
        matches=[],
        notes=[
            "Written by the OpenAI brain: read every question and anchor before you use it (it is a "
            "proposal, checked for shape and for text addressed to the model, not for judgement). "
            "Edit it, then PUT it to /jobs/{jobId}/profile to use it."
        ],
        profile=validated.model_dump(mode="json", exclude_none=True),
    )


def _offline_draft(job_id: str, request: DraftRequest) -> DraftResponse:
    library = competency_library()
    words = set(_WORD.findall(request.description.lower()))
    scored: list[tuple[int, int, dict[str, Any], list[str]]] = []
    for order, entry in enumerate(library["competencies"]):
        matched = sorted(keyword for keyword in entry["keywords"] if keyword in words)
        if matched:
            scored.append((len(matched), -order, entry, matched))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    chosen = [(entry, matched) for _, _, entry, matched in scored[:MAX_COMPETENCIES]]
    notes = [
        f"Written by the offline brain from the competency library {library['version']}: the description's "
        "words chose the competencies; questions and anchors come from the library, never from the "
        "description. Edit it, then PUT it to /jobs/{jobId}/profile to use it.",
    ]
    if len(chosen) < MIN_COMPETENCIES:
        by_id = {entry["id"]: entry for entry in library["competencies"]}
        for competency_id in FALLBACK_ORDER:
            if len(chosen) >= MIN_COMPETENCIES:
                break
            if all(entry["id"] != competency_id for entry, _ in chosen):
                chosen.append((by_id[competency_id], []))
        notes.append(
            "The description named few skills the library knows: general competencies were added "
            "(no matched words)."
        )
    profile = _profile(job_id, request.title, chosen)
    # The draft must be PUT-able as it is: validated exactly as a PUT body would be.
    validated = parse_profile_body(json.dumps(profile), job_id)
    logger.info(
        "profile drafted",
        extra={"job_id": job_id, "brain": "offline", "competencies": [e["id"] for e, _ in chosen]},
    )
    return DraftResponse(
        job_id=job_id,
        method=f"keyword match against {library['version']}",
        matches=[DraftMatch(competency_id=e["id"], name=e["name"], matched_words=m) for e, m in chosen],
        notes=notes,
        profile=validated.model_dump(mode="json", exclude_none=True),
    )


def _profile(
    job_id: str, title: str | None, chosen: list[tuple[dict[str, Any], list[str]]]
) -> dict[str, Any]:
    competencies = [
        {
            "id": entry["id"],
            "name": entry["name"],
            "description": entry["description"],
            "indicators": entry["indicators"],
            "levels": [{"level": int(level), "description": text} for level, text in entry["levels"].items()],
        }
        for entry, _ in chosen
    ]
    questions: list[dict[str, Any]] = []
    rounds = max(len(entry["questions"]) for entry, _ in chosen)
    for round_index in range(rounds):  # one question per competency first, then the second ones
        for entry, _ in chosen:
            if round_index < len(entry["questions"]) and len(questions) < MAX_QUESTIONS:
                question = entry["questions"][round_index]
                questions.append(
                    {
                        "id": f"{entry['id']}_{round_index + 1}",
                        "text": question["text"],
                        "competencies": [entry["id"]],
                        "category": question.get("category", "general"),
                        "probes": question.get("probes", []),
                    }
                )
    return {
        "job_id": job_id,
        "title": title or f"Interview for job {job_id}",
        "rubric_version": "draft",
        "competencies": competencies,
        "questions": questions,
    }
