"""Validated identifier types shared by the HTTP models and the item models."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

# LiveKit accepts most strings as room names; we accept what is safe in a URL path, a DynamoDB key and a
# log line: letters, digits and - _ . : @ =, starting with a letter or digit.
ROOM_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@=-]{0,127}$"
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@=-]{0,127}$"

RoomName = Annotated[str, StringConstraints(pattern=ROOM_NAME_PATTERN, max_length=128)]
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN, max_length=128)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

AGENT_IDENTITY_PREFIX = "interview-agent-"


def agent_identity(interview_id: str) -> str:
    """The agent's LiveKit identity; never contains "candidate" (clients classify by substring)."""
    return f"{AGENT_IDENTITY_PREFIX}{interview_id}"


def default_candidate_identity(candidate_id: str) -> str:
    return f"candidate-{candidate_id}"
