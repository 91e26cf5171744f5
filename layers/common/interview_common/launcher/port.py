"""The launcher port: what start-interview needs from whatever runs agents (Fargate, a local process)."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict


class LaunchRequest(BaseModel):
    """Everything the agent needs to find its interview; becomes the container's environment."""

    model_config = ConfigDict(frozen=True)

    interview_id: str
    room_name: str
    candidate_id: str
    candidate_identity: str
    job_id: str
    agent_identity: str

    def environment(self) -> dict[str, str]:
        return {
            "INTERVIEW_ID": self.interview_id,
            "ROOM_NAME": self.room_name,
            "CANDIDATE_ID": self.candidate_id,
            "CANDIDATE_IDENTITY": self.candidate_identity,
            "JOB_ID": self.job_id,
            "AGENT_IDENTITY": self.agent_identity,
        }


class LaunchResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    task_ref: str


class AgentLauncher(Protocol):
    def launch(self, request: LaunchRequest) -> LaunchResult:
        """Start the agent; raise LaunchFailed with a reason a person can act on."""
        ...

    def stop(self, task_ref: str, reason: str) -> None:
        """Stop the agent if it still runs; stopping a stopped agent is not an error."""
        ...
