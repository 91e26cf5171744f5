"""Use case: start an interview in a room — record it, create the room, launch the agent. Idempotent."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from interview_common import livekit_rooms
from interview_common.clock import epoch_from_iso, expiry_epoch, now_iso
from interview_common.credentials import LiveKitKeyPair
from interview_common.dal.interviews import InterviewStore
from interview_common.dal.job_profiles import JobProfileRepository
from interview_common.errors import (
    Conflict,
    DomainError,
    LaunchFailed,
    StorageUnavailable,
    TransitionRejected,
)
from interview_common.launcher import AgentLauncher, LaunchRequest
from interview_common.lifecycle import ACTIVE_STATES, InterviewState
from interview_common.models.api import StartInterviewRequest
from interview_common.models.identifiers import agent_identity, default_candidate_identity
from interview_common.models.items import InterviewItem
from interview_common.observability import logger, metrics
from interview_common.settings import Settings

ABANDONED_START_REASON = "the start did not complete (its records could not be written); started again"


@dataclass(frozen=True)
class StartOutcome:
    interview: InterviewItem
    created: bool
    candidate_token: str


def new_interview_id() -> str:
    # Random, not derived from the room name: the agent's identity must never contain "candidate".
    return uuid.uuid4().hex


def start_interview(
    request: StartInterviewRequest,
    *,
    settings: Settings,
    store: InterviewStore,
    launcher: AgentLauncher,
    keys: LiveKitKeyPair,
    profiles: JobProfileRepository | None = None,
) -> StartOutcome:
    profile_version = _profile_version(profiles, request.job_id) if profiles is not None else None
    interview = _new_interview(request, settings, profile_version)
    recorded = store.create_interview(interview)
    if recorded is None:
        existing = _active_for_candidate(store, request)
        if _is_abandoned_start(existing, settings, time.time()):
            # An earlier start died half-way and nothing could record it (its writes were refused):
            # fail it with the reason, and start anew in its place.
            logger.warning(
                "replacing a start that did not complete", extra={"previous": existing.interview_id}
            )
            _mark_failed(store, existing, ABANDONED_START_REASON)
            recorded = store.create_interview(interview)
            if recorded is None:  # another request replaced it first: answer with that one
                existing = _active_for_candidate(store, request)
        if recorded is None:
            logger.info(
                "interview already active; nothing launched", extra={"interview_id": existing.interview_id}
            )
            return StartOutcome(
                existing, created=False, candidate_token=_candidate_token(existing, keys, settings)
            )

    logger.append_keys(interview_id=interview.interview_id, room_name=interview.room_name)
    logger.info("interview recorded", extra={"job_id": interview.job_id})
    try:
        livekit_rooms.create_room(
            settings.livekit_url,
            keys,
            interview.room_name,
            empty_timeout=settings.room_empty_timeout_seconds,
            departure_timeout=settings.room_departure_timeout_seconds,
            metadata=_room_metadata(interview),
            timeout=settings.livekit_timeout_seconds,
        )
        interview = store.transition(interview.room_name, interview.interview_id, InterviewState.LAUNCHING)
        launched = launcher.launch(
            LaunchRequest(
                interview_id=interview.interview_id,
                room_name=interview.room_name,
                candidate_id=interview.candidate_id,
                candidate_identity=interview.candidate_identity,
                job_id=interview.job_id,
                agent_identity=interview.agent_identity,
            )
        )
    except DomainError as error:
        _mark_failed(store, interview, error.message)
        metrics.add_metric(name="AgentLaunchFailed", unit="Count", value=1)
        if isinstance(error, LaunchFailed):
            raise
        raise LaunchFailed(f"the interview could not be started: {error.message}") from error
    except Exception as error:  # an AWS fault mid-way: leave a record that says so, and let the client retry
        logger.exception("start-interview failed unexpectedly")
        _mark_failed(store, interview, "internal error while starting the interview")
        raise LaunchFailed("the interview could not be started; retry shortly") from error
    try:
        interview = store.record_task(interview.room_name, interview.interview_id, launched.task_ref)
    except TransitionRejected:
        # The agent (or a webhook) already moved the interview on, or ended it; read what is true now.
        interview = store.get_interview(interview.room_name) or interview
    except StorageUnavailable as error:
        # The agent runs but its task could not be recorded (DynamoDB refused every retry). The interview
        # goes on: the agent ends itself with the interview, and its task's STOPPED event is matched by
        # the interview id it carries. Only stopping it from the backend needs the ARN (logged here).
        logger.warning(
            "agent launched but its task was not recorded",
            extra={"task": launched.task_ref, "code": error.aws_code},
        )
        metrics.add_metric(name="AgentTaskNotRecorded", unit="Count", value=1)
    metrics.add_metric(name="InterviewStarted", unit="Count", value=1)
    logger.info("agent launched", extra={"task": launched.task_ref})
    return StartOutcome(interview, created=True, candidate_token=_candidate_token(interview, keys, settings))


def _profile_version(profiles: JobProfileRepository, job_id: str) -> int | None:
    """The job profile version this interview keeps (0: the default), so a later edit never changes it.

    None when it cannot be read now (the agent then reads the job's current profile, as before versions).
    """
    try:
        return profiles.version_for_new_interview(job_id)
    except StorageUnavailable:
        logger.warning("the job's profile version could not be read; the agent reads the current one")
        return None


def _new_interview(
    request: StartInterviewRequest, settings: Settings, profile_version: int | None = None
) -> InterviewItem:
    interview_id = new_interview_id()
    now = now_iso()
    return InterviewItem(
        room_name=request.room_name,
        interview_id=interview_id,
        candidate_id=request.candidate_id,
        job_id=request.job_id,
        candidate_identity=request.candidate_identity or default_candidate_identity(request.candidate_id),
        agent_identity=agent_identity(interview_id),
        candidate_name=request.candidate_name,
        role_type=request.role_type,
        language=request.language,
        metadata=request.metadata,
        profile_version=profile_version,
        state=InterviewState.REQUESTED,
        created_at=now,
        updated_at=now,
        expires_at=expiry_epoch(settings.retention_days),
    )


def _room_metadata(interview: InterviewItem) -> dict[str, str]:
    return {
        "interviewId": interview.interview_id,
        "candidateId": interview.candidate_id,
        "jobId": interview.job_id,
        "agentIdentity": interview.agent_identity,
    }


def _candidate_token(interview: InterviewItem, keys: LiveKitKeyPair, settings: Settings) -> str:
    return livekit_rooms.participant_token(
        keys,
        room_name=interview.room_name,
        identity=interview.candidate_identity,
        name=interview.candidate_name,
        metadata=json.dumps({"candidateId": interview.candidate_id, "jobId": interview.job_id}),
        ttl=timedelta(seconds=settings.candidate_token_ttl_seconds),
    )


def _mark_failed(store: InterviewStore, interview: InterviewItem, reason: str) -> None:
    """Best effort, on a path that is already failing: the caller's error is the one the client sees."""
    try:
        store.mark_failed(interview.room_name, interview.interview_id, reason)
    except TransitionRejected:
        logger.warning("could not mark interview failed; it had already moved on")
    except StorageUnavailable as error:  # DynamoDB refused this write too: a later start replaces it
        logger.warning("could not mark interview failed", extra={"code": error.aws_code})


def _active_for_candidate(store: InterviewStore, request: StartInterviewRequest) -> InterviewItem:
    """The room's active interview for this candidate; Conflict for an ended one or another candidate."""
    existing = store.get_interview(request.room_name)
    if existing is None:  # deleted between our write and read: let the client retry
        raise Conflict("the room changed while starting; retry the request")
    if existing.state not in ACTIVE_STATES:
        raise Conflict(
            f"room {request.room_name} already hosted an interview that ended as {existing.state.value}; "
            "use a new room name"
        )
    if existing.candidate_id != request.candidate_id:
        raise Conflict(f"room {request.room_name} is already interviewing another candidate")
    return existing


def _is_abandoned_start(existing: InterviewItem, settings: Settings, now_epoch: float) -> bool:
    """Still `requested` (no launch was tried), or `launching` with no task recorded, long after any
    start-interview call could still be running and any launched agent would have joined."""
    if existing.task_arn or existing.state not in (InterviewState.REQUESTED, InterviewState.LAUNCHING):
        return False
    return now_epoch - epoch_from_iso(existing.updated_at) > settings.abandoned_start_seconds
