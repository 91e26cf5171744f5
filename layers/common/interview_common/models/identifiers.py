"""Validated identifier types shared by the HTTP models and the item models, and the identity rules
(who is the interviewer, what the candidate's LiveKit identity is): one place for both sides.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated
from urllib.parse import unquote

from pydantic import AfterValidator, StringConstraints

# LiveKit accepts most strings as room names; we accept what is safe in a URL path, a DynamoDB key and a
# log line: letters, digits and - _ . : @ =, starting with a letter or digit.
ROOM_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@=-]{0,127}$"
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@=-]{0,127}$"

RoomName = Annotated[str, StringConstraints(pattern=ROOM_NAME_PATTERN, max_length=128)]
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN, max_length=128)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

AGENT_IDENTITY_PREFIX = "interview-agent-"
AGENT_IDENTITY_MARKER = AGENT_IDENTITY_PREFIX.rstrip("-")  # "interview-agent": reserved for the interviewer
CANDIDATE_IDENTITY_PREFIX = "candidate-"

# Candidate ids as real systems have them: an email (with `+` tags), a UUID, an ATS key. 254 is the
# longest address SMTP carries. Refused: control, format and separator characters and any whitespace
# (they would break a log line, hide characters or make two ids look alike), `/` and ids made only of
# dots (the id is a URL path segment).
MAX_CANDIDATE_ID_CHARS = 254


def _is_hidden(character: str) -> bool:
    return character.isspace() or unicodedata.category(character)[0] in ("C", "Z")


def check_candidate_id(value: str) -> str:
    """The id unchanged, or ValueError saying what is wrong with it (never echoing it)."""
    if not value:
        raise ValueError("must not be empty")
    if len(value) > MAX_CANDIDATE_ID_CHARS:
        raise ValueError(f"must be at most {MAX_CANDIDATE_ID_CHARS} characters")
    if any(_is_hidden(character) for character in value):
        raise ValueError("must not contain whitespace, control or invisible characters")
    if "/" in value or not value.strip("."):
        raise ValueError("must not contain '/' or be made only of dots")
    return value


# A path segment holds an id percent-encoded: up to three characters for each of the id's.
MAX_CANDIDATE_PATH_CHARS = 3 * MAX_CANDIDATE_ID_CHARS


def candidate_id_from_path(raw: str) -> str:
    """A candidate id taken from a URL path: API Gateway hands the path over percent-encoded (an email's
    `@` and `+` may arrive as %40 and %2B), so it is decoded before it is checked (422 when bad)."""
    from interview_common.errors import InvalidInput

    try:
        return check_candidate_id(unquote(raw))
    except ValueError as error:
        field = {"field": "path.candidateId", "message": str(error), "type": "value_error"}
        raise InvalidInput(f"the request is not valid: path.candidateId: {error}", [field]) from error


# A candidate id, and a participant identity (it is derived from one, or minted by a frontend from one).
CandidateId = Annotated[str, AfterValidator(check_candidate_id)]
ParticipantIdentity = Annotated[str, AfterValidator(check_candidate_id)]


def agent_identity(interview_id: str) -> str:
    """The agent's LiveKit identity; never contains "candidate" (clients classify by substring)."""
    return f"{AGENT_IDENTITY_PREFIX}{interview_id}"


def is_agent_identity(identity: str) -> bool:
    """The interviewer's identities (and only theirs) start with "interview-agent"."""
    return identity.startswith(AGENT_IDENTITY_MARKER)


def default_candidate_identity(candidate_id: str) -> str:
    """`candidate-<id>`, unless the id already says "candidate" (the seed's fallback id is the literal
    "candidate", and some systems prefix their ids): never `candidate-candidate-...`."""
    if candidate_id.startswith("candidate"):  # as clients test it: identity.includes('candidate')
        return candidate_id
    return f"{CANDIDATE_IDENTITY_PREFIX}{candidate_id}"
