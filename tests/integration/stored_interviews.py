"""Given-steps that write interview records straight into the (moto) table, as the agent and webhooks would.

They go through the real item models, so what the status routes read is what the writers really store.
"""

from __future__ import annotations

import uuid
from typing import Any

from interview_common.clock import expiry_epoch, now_iso
from interview_common.lifecycle import InterviewState
from interview_common.models.identifiers import agent_identity, default_candidate_identity
from interview_common.models.items import InterviewItem, ParticipantItem
from interview_common.store import InterviewStore, to_attribute_values

from tests.conftest import TABLE_NAME


def _store() -> InterviewStore:
    import boto3

    return InterviewStore(TABLE_NAME, boto3.client("dynamodb"))


def store_interview(
    room_name: str,
    *,
    candidate_id: str = "cand-1",
    job_id: str = "job-1",
    interview_id: str | None = None,
    state: InterviewState = InterviewState.WAITING_FOR_CANDIDATE,
    created_at: str | None = None,
    **fields: Any,
) -> InterviewItem:
    interview_id = interview_id or uuid.uuid4().hex
    now = created_at or now_iso()
    interview = InterviewItem(
        room_name=room_name,
        interview_id=interview_id,
        candidate_id=candidate_id,
        job_id=job_id,
        candidate_identity=default_candidate_identity(candidate_id),
        agent_identity=agent_identity(interview_id),
        state=state,
        created_at=now,
        updated_at=now,
        expires_at=expiry_epoch(90),
        **fields,
    )
    _put(interview.to_item())
    return interview


def store_participant(
    room_name: str,
    identity: str,
    *,
    kind: str,
    name: str | None = None,
    state: str = "joined",
    joined_at: str | None = None,
) -> ParticipantItem:
    participant = ParticipantItem.model_validate(
        {
            "room_name": room_name,
            "identity": identity,
            "kind": kind,
            "name": name,
            "state": state,
            "joined_at": joined_at or now_iso(),
            "expires_at": expiry_epoch(90),
        }
    )
    _put(participant.to_item())
    return participant


def _put(item: dict[str, Any]) -> None:
    import boto3

    boto3.client("dynamodb").put_item(TableName=TABLE_NAME, Item=to_attribute_values(item))


def read_interview(room_name: str) -> InterviewItem | None:
    return _store().get_interview(room_name)
