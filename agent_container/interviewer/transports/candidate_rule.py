"""Who the candidate is, one rule for every room transport (LiveKit and the simulated room).

1. The identity recorded at start (CANDIDATE_IDENTITY, the one /token mints) is the candidate.
2. Else any ordinary participant that is not an agent: a frontend may mint its own candidate token with
   its own identity (the seed app joins as `candidate-<id>`). Agents are never the candidate: agent-kind
   participants, and identities in the interviewer's reserved `interview-agent` namespace.
3. Once someone is the candidate they stay so (an observer joining later is not mistaken for them),
   except that the recorded identity, when it arrives, supersedes a fallback choice.
"""

from __future__ import annotations

from interview_common.models.identifiers import AGENT_IDENTITY_MARKER


class CandidateRule:
    def __init__(self, recorded_identity: str) -> None:
        self.recorded_identity = recorded_identity

    def could_be_candidate(self, identity: str, *, is_agent: bool) -> bool:
        if identity == self.recorded_identity:
            return True
        return not is_agent and not identity.startswith(AGENT_IDENTITY_MARKER)

    def is_candidate(self, identity: str, *, is_agent: bool, current: str | None) -> bool:
        """Whether this participant is (or now becomes) the candidate, given the one chosen so far."""
        if not self.could_be_candidate(identity, is_agent=is_agent):
            return False
        if current is None or identity == current:
            return True
        return identity == self.recorded_identity
