"""A hiring team's profile for a backend engineering job, as they would PUT it (Given-steps' data)."""

from __future__ import annotations

import copy
from typing import Any


def _levels(one: str, three: str, five: str) -> list[dict[str, Any]]:
    return [
        {"level": 1, "description": one},
        {"level": 3, "description": three},
        {"level": 5, "description": five},
    ]


BACKEND_PROFILE: dict[str, Any] = {
    "title": "Backend Engineer",
    "rubric_version": "backend-2026.1",
    "competencies": [
        {
            "id": "system_design",
            "name": "System design",
            "description": "Designs services that hold up under load and failure.",
            "weight": 2,
            "indicators": ["queue", "cache", "latency", "trade-off", "replica", "idempotent"],
            "levels": _levels(
                "No design described.",
                "A workable design with some reasoning about load or failure.",
                "A design with explicit trade-offs, failure modes and measured results.",
            ),
        },
        {
            "id": "collaboration",
            "name": "Collaboration",
            "description": "Works with others and handles disagreement.",
            "indicators": ["team", "reviewed", "agreed", "feedback"],
            "levels": _levels(
                "No example of working with others.",
                "A real example with their own part named.",
                "Built shared understanding across differing views.",
            ),
        },
    ],
    "questions": [
        {
            "id": "design",
            "text": "Tell me about a service you designed that had to handle a lot of traffic.",
            "competencies": ["system_design"],
            "category": "design",
            "probes": [{"text": "What did you measure to know it worked?", "missing": "result"}],
            "max_follow_ups": 1,
        },
        {
            "id": "review",
            "text": "Describe a code review where you and a colleague disagreed. What happened?",
            "competencies": ["collaboration"],
            "category": "collaboration",
            "clarification": "Any review where your views differed, and how it was settled.",
        },
    ],
    "outcome_rule": {"advance_at": 3.5, "hold_at": 2.5, "floor": 2},
    "language": "en",
    "about": "The team runs the payments API. The role is hybrid, two days a week in the office.",
    "faq": [{"question": "Is the role remote?", "answer": "Hybrid: two days a week in the office."}],
}


def backend_profile(**changes: Any) -> dict[str, Any]:
    profile = copy.deepcopy(BACKEND_PROFILE)
    profile.update(changes)
    return profile
