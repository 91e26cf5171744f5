"""The agent's conductor over moto's DynamoDB, the text transport, a simulated candidate and a virtual clock.

Nothing sleeps for real: a whole interview (minutes of virtual time) runs in well under a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from interview_common.clock import expiry_epoch, now_iso
from interview_common.interview_log import InterviewLog
from interview_common.lifecycle import InterviewState
from interview_common.models.assessment import InterviewReport
from interview_common.models.items import InterviewItem
from interview_common.models.job_profile import JobProfile
from interview_common.models.turn import TurnItem
from interview_common.participants import ParticipantStore
from interview_common.store import InterviewStore, from_attribute_values
from interviewer.brains.offline import OfflineBrain
from interviewer.clock import VirtualClock
from interviewer.conductor import Conductor, InterviewIdentity, Outcome, Timeouts
from interviewer.ports import INTERVIEW_TOPIC, Brain, ContextLoader
from interviewer.recorder import DynamoRecorder
from interviewer.simulated_candidate import Persona, SimulatedCandidate, load_persona
from interviewer.transports.text import TextTransport

from tests.conftest import TABLE_NAME

ROOM = "room-agent-1"
INTERVIEW_ID = "iv0123456789"
CANDIDATE_ID = "cand-9"
JOB_ID = "job-42"
AGENT_IDENTITY = f"interview-agent-{INTERVIEW_ID}"
REPORT_URL = f"/interviews/{ROOM}/report.html"
TEST_TIMEOUTS = Timeouts(
    no_show=60,
    silence=10,
    rejoin_grace=30,
    max_duration=900,
    max_follow_ups=1,
    heartbeat_interval=5,
    assessment_wait=30,
)
REAL_TIME_LIMIT = 20.0  # a test that hangs fails instead


@dataclass
class Harness:
    conductor: Conductor
    transport: TextTransport
    clock: VirtualClock
    store: InterviewStore
    log: InterviewLog

    async def run(self) -> Outcome:
        return await asyncio.wait_for(self.conductor.run(), REAL_TIME_LIMIT)

    def messages(self, topic: str = INTERVIEW_TOPIC) -> list[dict[str, Any]]:
        return self.transport.messages(topic)

    def types(self) -> list[str]:
        return [message["type"] for message in self.messages()]

    def meta(self) -> InterviewItem:
        interview = self.store.get_interview(ROOM)
        assert interview is not None
        return interview

    def turns(self) -> list[TurnItem]:
        return self.log.get_turns(ROOM, INTERVIEW_ID)

    def report(self) -> InterviewReport | None:
        return self.log.get_report(ROOM, INTERVIEW_ID)

    def item(self, sk: str) -> dict[str, Any] | None:
        raw = (
            boto3.client("dynamodb")
            .get_item(TableName=TABLE_NAME, Key={"PK": {"S": f"ROOM#{ROOM}"}, "SK": {"S": sk}})
            .get("Item")
        )
        return from_attribute_values(raw) if raw else None

    def when(
        self, predicate: Callable[[dict[str, Any]], bool], action: Callable[[], Awaitable[None] | None]
    ) -> None:
        """Do `action` right after the agent sends the first interview message matching `predicate`."""
        publish = self.transport.publish
        fired = False

        async def publish_then_act(message: dict[str, Any], topic: str = INTERVIEW_TOPIC) -> None:
            nonlocal fired
            await publish(message, topic)
            if not fired and topic == INTERVIEW_TOPIC and predicate(message):
                fired = True
                result = action()
                if result is not None:
                    await result

        self.transport.publish = publish_then_act  # type: ignore[method-assign]


def question(number: int) -> Callable[[dict[str, Any]], bool]:
    return lambda message: message.get("type") == "question" and message.get("question_number") == number


def record_interview(state: InterviewState = InterviewState.LAUNCHING, job_id: str = JOB_ID) -> InterviewItem:
    now = now_iso()
    interview = InterviewItem(
        room_name=ROOM,
        interview_id=INTERVIEW_ID,
        candidate_id=CANDIDATE_ID,
        job_id=job_id,
        candidate_identity=f"candidate-{CANDIDATE_ID}",
        agent_identity=AGENT_IDENTITY,
        state=InterviewState.REQUESTED,
        created_at=now,
        updated_at=now,
        expires_at=expiry_epoch(30),
    )
    store = InterviewStore(TABLE_NAME, boto3.client("dynamodb"))
    assert store.create_interview(interview) is not None
    if state != InterviewState.REQUESTED:
        interview = store.transition(ROOM, INTERVIEW_ID, state)
    return interview


HarnessFactory = Callable[..., Harness]


@pytest.fixture
def make_harness(aws: None) -> HarnessFactory:
    def build(
        persona: Persona | str = "strong",
        *,
        timeouts: Timeouts = TEST_TIMEOUTS,
        brain: Callable[[VirtualClock], Brain] | None = None,
        profile: JobProfile | None = None,
        state: InterviewState = InterviewState.LAUNCHING,
        transport_class: type[TextTransport] = TextTransport,
        context: ContextLoader | None = None,
    ) -> Harness:
        dynamodb = boto3.client("dynamodb")
        store = InterviewStore(TABLE_NAME, dynamodb)
        log = InterviewLog(TABLE_NAME, dynamodb)
        if profile is not None:
            log.put_job_profile(profile)
        record_interview(state, job_id=profile.job_id if profile else JOB_ID)
        clock = VirtualClock()
        candidate = SimulatedCandidate(persona if isinstance(persona, Persona) else load_persona(persona))
        transport = transport_class(candidate, clock, candidate_identity=f"candidate-{CANDIDATE_ID}")
        recorder = DynamoRecorder(
            room_name=ROOM,
            interview_id=INTERVIEW_ID,
            job_id=profile.job_id if profile else JOB_ID,
            agent_identity=AGENT_IDENTITY,
            store=store,
            log=log,
            participants=ParticipantStore(TABLE_NAME, dynamodb),
            clock=clock,
        )
        conductor = Conductor(
            identity=InterviewIdentity(
                room_name=ROOM,
                interview_id=INTERVIEW_ID,
                candidate_id=CANDIDATE_ID,
                job_id=profile.job_id if profile else JOB_ID,
                report_url=REPORT_URL,
            ),
            transport=transport,
            brain=brain(clock) if brain else OfflineBrain(clock),
            recorder=recorder,
            clock=clock,
            timeouts=timeouts,
            context=context,
        )
        return Harness(conductor=conductor, transport=transport, clock=clock, store=store, log=log)

    return build
