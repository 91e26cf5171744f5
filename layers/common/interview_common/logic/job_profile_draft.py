"""Use case: a proposed profile from a job description (POST /jobs/{jobId}/profile/draft). Saves nothing.

The offline brain: the description's words select competencies from a library (data/competency_library.json)
by their keywords; each selected competency brings its anchored levels, indicators and questions. The
draft says which brain wrote it and which words chose each competency, so a person can see why, edit it
and PUT it. The description is only matched word by word: it is never copied into the profile, so a
description cannot put instructions into the questions or the rubric.

(The Lambdas never import openai; a draft written by a language model is not offered here.)
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from interview_common.logic.job_profile import parse_profile_body
from interview_common.models.job_profile_api import DraftMatch, DraftRequest, DraftResponse
from interview_common.observability import logger

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


def draft_profile(job_id: str, request: DraftRequest) -> DraftResponse:
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
    logger.info("profile drafted", extra={"job_id": job_id, "competencies": [e["id"] for e, _ in chosen]})
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
