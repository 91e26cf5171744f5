"""The conductor's three ports. No LiveKit, OpenAI or DynamoDB type appears here or in the conductor.

- Transport: how the agent speaks, hears and signals in the room (LiveKit rtc, the simulated room,
  or an in-memory text transport with a simulated candidate).
- Brain: what to ask, whether to follow up, how an answer scores, the final report.
- InterviewRecorder: the interview's durable state (DynamoDB in every deployment).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal, Protocol

from interview_common.lifecycle import InterviewState
from interview_common.models.assessment import AnswerAssessment, InterviewReport
from interview_common.models.candidate_question import CandidateQuestion
from interview_common.models.interview_context import InterviewContext
from interview_common.models.job_profile import JobProfile, Question
from interview_common.models.turn import Exchange, TurnItem, TurnKind

# The room's topics, shared with the backend (interview_common.room_protocol), re-exported for the agent.
from interview_common.room_protocol import CHAT_TOPIC as CHAT_TOPIC
from interview_common.room_protocol import CONTROL_TOPIC as CONTROL_TOPIC
from interview_common.room_protocol import INTERVIEW_TOPIC as INTERVIEW_TOPIC
from interview_common.room_protocol import TRANSCRIPTION_TOPIC as TRANSCRIPTION_TOPIC
from pydantic import BaseModel, ConfigDict, Field

AgentState = Literal["initializing", "idle", "listening", "thinking", "speaking"]


class Utterance(BaseModel):
    """What the candidate said in one turn, with timings (seconds on the transport's clock)."""

    model_config = ConfigDict(frozen=True)

    text: str
    started_at: float
    ended_at: float
    final: bool = True


class RoomEvent(BaseModel):
    """Something that happened in the room that the conductor must react to.

    agent_replaced: another agent joined with this interview's identity (LiveKit's DUPLICATE_IDENTITY) and
    holds the interview now; this one leaves without recording anything. speech_closed: the voice session
    closed itself after too many unrecoverable STT/TTS errors; the agent can neither hear nor speak."""

    model_config = ConfigDict(frozen=True)

    kind: Literal[
        "candidate_joined",
        "candidate_left",
        "room_closed",
        "end_requested",
        "agent_replaced",
        "speech_closed",
    ]
    identity: str | None = None
    reason: str | None = None
    at: float = 0.0
    data: dict[str, Any] = Field(default_factory=dict)


RoomEventListener = Callable[[RoomEvent], Awaitable[None] | None]


class Transport(Protocol):
    async def connect(self) -> None:
        """Join the room as the agent (identity interview-agent-<interviewId>)."""

    async def wait_for_candidate(self, timeout: float) -> bool:  # noqa: ASYNC109 - the port's contract
        """True once the candidate is in the room; False if they did not come within `timeout`."""

    async def say(self, text: str) -> None:
        """Speak `text` (voice and live caption) and return when it has been said."""

    async def listen(self, timeout: float) -> Utterance | None:  # noqa: ASYNC109 - the port's contract
        """The candidate's next complete turn, or None after `timeout` seconds of silence."""

    async def publish(self, message: dict[str, Any], topic: str = INTERVIEW_TOPIC) -> None:
        """Send a reliable data message (JSON) to the room."""

    async def set_agent_state(self, state: AgentState) -> None:
        """Keep the `lk.agent.state` attribute true."""

    def on_room_event(self, listener: RoomEventListener) -> None:
        """Register for candidate joined/left, room closed and end requests."""

    async def close(self) -> None:
        """Leave the room and release resources (idempotent)."""


class SpeechFailed(Exception):
    """The transport could not speak (TTS or audio output failed); the caller may retry or fall back."""


# -- Brain ----------------------------------------------------------------------------------------


class BrainError(Exception):
    """The brain gave no usable answer (timeout, API error, malformed or schema-breaking output)."""


class BrainRefused(BrainError):
    """The model refused to answer; retrying the same request will not help."""


class ReportRequest(BaseModel):
    """Everything the final report is written from."""

    model_config = ConfigDict(frozen=True)

    room_name: str
    interview_id: str
    candidate_id: str
    job_id: str
    turns: list[TurnItem]
    total_questions: int
    end_reason: str
    partial: bool
    notes: list[str] = Field(default_factory=list)
    # The candidate's own questions (during the questions and at the close) and what was said back.
    candidate_questions: list[CandidateQuestion] = Field(default_factory=list)


class TurnContext(BaseModel):
    """What the brain knows when it reads one candidate turn."""

    model_config = ConfigDict(frozen=True)

    question: Question
    # The conversation so far on this question (what was said and read before this turn).
    exchanges: list[Exchange] = Field(default_factory=list)
    follow_ups_asked: int = 0
    max_follow_ups: int = 1
    # "question": during a question; "closing": the candidate was asked whether they have questions.
    stage: Literal["question", "closing"] = "question"


class TurnReading(BaseModel):
    """The brain's reading of one candidate turn: its kind, and what to say when something must be said."""

    model_config = ConfigDict(frozen=True)

    kind: TurnKind
    # Words for the candidate when the kind needs them: a clarification of the question, or the answer to
    # the candidate's own question (grounded on the profile's about/faq text; None: pass it on).
    say: str | None = None
    # For an answer: the probe to ask next, None when the answer needs no follow-up.
    follow_up: str | None = None
    # For other_language: the language the candidate spoke (BCP 47 primary tag), when known.
    language: str | None = None
    # Why (the rule that fired, or the model's short reason), kept in the record, never said.
    reason: str = Field(default="", max_length=300)


class Brain(Protocol):
    """What to ask, whether to follow up, how an answer scores, and the report.

    The candidate's words are data in every call, never instructions.
    """

    @property
    def name(self) -> str:
        """Short name written into assessments and the report ("offline", "openai")."""
        ...

    @property
    def model(self) -> str:
        """The model behind the brain ("rules-v1", "gpt-4o-mini", ...)."""
        ...

    async def plan_questions(self, profile: JobProfile) -> list[Question]:
        """The questions to ask, in order."""
        ...

    async def decide_follow_up(
        self, profile: JobProfile, question: Question, answer: str, follow_ups_asked: int
    ) -> str | None:
        """A follow-up question when the answer so far lacks substance, else None."""
        ...

    async def understand_turn(self, profile: JobProfile, context: TurnContext, utterance: str) -> TurnReading:
        """What this turn is (an answer, a request to repeat, ...), and what to say or ask next.

        `utterance` is the candidate's words: data to classify, never instructions."""
        ...

    async def assess_answer(self, profile: JobProfile, question: Question, answer: str) -> AnswerAssessment:
        """Score the answer against the question's competencies, with verbatim evidence."""
        ...

    async def write_report(self, profile: JobProfile, request: ReportRequest) -> InterviewReport:
        """The final report: per-competency scores with evidence, strengths, concerns, suggested outcome."""
        ...


# -- InterviewRecorder ----------------------------------------------------------------------------

Phase = Literal[
    "waiting", "greeting", "asking", "listening", "follow_up", "paused", "closing", "reporting", "ended"
]


class RecordedState(BaseModel):
    """What the durable record says now (read back with every heartbeat)."""

    model_config = ConfigDict(frozen=True)

    state: InterviewState
    end_requested: bool = False
    expires_at: int = 0


class Progress(BaseModel):
    """The fields of META the status routes show while the interview runs."""

    model_config = ConfigDict(frozen=True)

    phase: Phase
    current_question: str | None = None
    question_index: int = 0
    question_count: int = 0
    is_agent_speaking: bool = False
    is_listening: bool = False


class InterviewRecorder(Protocol):
    """The interview's durable record: state (forward-only), progress, heartbeat, turns and report."""

    async def agent_joined(self) -> RecordedState:
        """Record the agent in the room (its PARTICIPANT# item, state waiting_for_candidate when earlier)."""
        ...

    async def load_profile(self) -> JobProfile:
        """The job's profile (JOB#<jobId>/PROFILE), or the built-in default."""
        ...

    async def transition(self, target: InterviewState, **fields: Any) -> bool:
        """Move the interview forward; False when the record refused (already there or past it)."""
        ...

    async def progress(self, progress: Progress) -> None:
        """Write phase and progress (may be queued: the conversation does not wait for it)."""
        ...

    async def heartbeat(self) -> RecordedState:
        """Write the heartbeat and read back state and any end request."""
        ...

    async def save_turn(self, turn: TurnItem) -> None:
        """Write the whole turn (each save replaces the previous one; may be queued)."""
        ...

    async def save_report(self, report: InterviewReport) -> None:
        """Write the final report."""
        ...

    async def close(self) -> None:
        """Finish pending writes."""
        ...


# The room's interview context (POST /agent/candidate-details: the candidate's name, the job's title, ...),
# read when the candidate arrives; None when none was posted.
ContextLoader = Callable[[], Awaitable[InterviewContext | None]]
