"""The interview, written down: greet, ask, listen, understand, follow up, close, report.

The conductor knows nothing of LiveKit, OpenAI or DynamoDB: it talks to a Transport, a Brain and an
InterviewRecorder, and reads time from an injected Clock. What it does with each kind of candidate turn
(a request to repeat, a question for the interviewer, ...) is `turn_handling`; whether the candidate is
here and whether anything stopped the interview is `supervision`; what it says is `phrases` (data);
how the room sees and hears it is `room_output`; how each way of stopping ends it is `endings`; its
background work (heartbeats, the time limit, assessments) is owned by `background`.

How it ends (state, and the exit code of the process; `endings` has the whole rule):
- completed (0): every question asked and the candidate's questions taken; or the candidate asked to
  stop and confirmed it (end reason candidate_ended); or POST /end-interview (closes politely, keeps what
  was answered); or the maximum duration was reached.
- abandoned (0): the candidate never came (no-show), whichever way the interview then ended (no-show
  timeout, end request, room closed, SIGTERM): end reason no_show, nothing asked.
- the candidate left and did not come back within the rejoin grace, or the room closed under us:
  completed (0, report marked partial) when MORE THAN HALF of the questions were answered, since the
  report is then worth a person's review; abandoned (0) otherwise.
- failed (1): an error the conductor could not recover from; or the platform stopped the agent (SIGTERM):
  it says goodbye, writes what it has, and the state's error says what happened.
A brain failure never ends the interview (FallbackBrain answers; a turn the brain cannot read counts as an
answer); a speech failure is retried once, then the line is delivered as text (the transcript message)
and the report says so.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from interview_common import heartbeat
from interview_common.lifecycle import TERMINAL_STATES, InterviewState
from interview_common.models.interview_context import InterviewContext
from interview_common.models.job_profile import JobProfile, Question
from interview_common.models.turn import Exchange, ExchangeKind, TurnItem
from interview_common.observability import logger
from interview_common.room_protocol.messages import (
    AgentListeningMessage,
    FeedbackMessage,
    InterviewCompletedMessage,
    QuestionMessage,
    ResponseReceivedMessage,
    StatusMessage,
    TranscriptMessage,
    progress_percent,
    question_responses,
)
from pydantic import BaseModel, ConfigDict

from interviewer.background import BackgroundTasks
from interviewer.clock import Clock
from interviewer.config import AgentSettings
from interviewer.endings import ending_for
from interviewer.phrases import Phrases
from interviewer.ports import (
    Brain,
    ContextLoader,
    InterviewRecorder,
    RecordedState,
    ReportRequest,
    RoomEvent,
    Transport,
    TurnContext,
    TurnReading,
)
from interviewer.room_output import SPEAKING_PHASES, RoomOutput
from interviewer.supervision import Interrupted, StopReason, Supervision
from interviewer.turn_handling import ClosingQuestions, Conversation, QuestionTurn, TurnOutcome

# Names other modules import from here (kept where they moved: phrases, supervision, room_output).
__all__ = [
    "SPEAKING_PHASES",
    "Conductor",
    "ExchangeKind",
    "Interrupted",
    "InterviewIdentity",
    "Outcome",
    "Phrases",
    "StopReason",
    "Timeouts",
]

CLOSING_SPEECH_LIMIT = 20.0  # seconds a goodbye may take once the interview is ending
# Lines that show the question on the frontend (a `question` message) before they are said.
_ASKING_KINDS: frozenset[ExchangeKind] = frozenset({"question", "repeat", "follow_up"})


class Timeouts(BaseModel):
    model_config = ConfigDict(frozen=True)

    no_show: float = 300.0
    silence: float = 25.0
    rejoin_grace: float = 120.0
    max_duration: float = 2700.0
    max_follow_ups: int = 1
    heartbeat_interval: float = heartbeat.DEFAULT_INTERVAL_SECONDS
    assessment_wait: float = 90.0

    @classmethod
    def from_settings(cls, settings: AgentSettings) -> Timeouts:
        return cls(
            no_show=settings.no_show_timeout,
            silence=settings.silence_timeout,
            rejoin_grace=settings.rejoin_grace,
            max_duration=settings.max_duration,
            max_follow_ups=settings.max_follow_ups,
            heartbeat_interval=settings.heartbeat_interval,
            assessment_wait=settings.assessment_wait,
        )


class InterviewIdentity(BaseModel):
    model_config = ConfigDict(frozen=True)

    room_name: str
    interview_id: str
    candidate_id: str
    job_id: str
    report_url: str

    @classmethod
    def from_settings(cls, settings: AgentSettings) -> InterviewIdentity:
        return cls(
            room_name=settings.room_name,
            interview_id=settings.interview_id,
            candidate_id=settings.candidate_id,
            job_id=settings.job_id,
            report_url=settings.report_url,
        )


class Outcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    state: InterviewState
    end_reason: str
    total_questions: int = 0
    questions_asked: int = 0
    questions_answered: int = 0
    report_written: bool = False
    error: str | None = None

    @property
    def exit_code(self) -> int:
        """0 when the interview ended as designed (completed, or abandoned by the candidate)."""
        return 0 if self.state in {InterviewState.COMPLETED, InterviewState.ABANDONED} else 1


class Conductor:
    def __init__(
        self,
        *,
        identity: InterviewIdentity,
        transport: Transport,
        brain: Brain,
        recorder: InterviewRecorder,
        clock: Clock,
        timeouts: Timeouts,
        phrases: Phrases | None = None,
        context: ContextLoader | None = None,
    ) -> None:
        self._identity = identity
        self._load_context = context
        self._transport = transport
        self._brain = brain
        self._recorder = recorder
        self._clock = clock
        self._timeouts = timeouts
        self._phrases = phrases or Phrases()

        self._profile: JobProfile | None = None
        self._conversation: Conversation | None = None
        self._questions: list[Question] = []
        self._turns: list[TurnItem] = []
        self._notes: list[str] = []
        self._expires_at = 0
        self._recorded: RecordedState | None = None
        self._room = RoomOutput(transport, recorder, clock, self._phrases, self._notes)
        self._tasks = BackgroundTasks()
        self._supervision = Supervision(
            clock,
            rejoin_grace=timeouts.rejoin_grace,
            wait_for_candidate=transport.wait_for_candidate,
            on_pause=self._pause,
        )

    @property
    def response_latencies(self) -> list[float]:
        """End of the candidate's turn -> the next line requested from speech (the agent's own overhead)."""
        return self._room.response_latencies

    # -- lifecycle -----------------------------------------------------------------------------------

    def request_stop(self, reason: StopReason = "terminated") -> None:
        """Stop from outside (SIGTERM): the interview closes politely and says why."""
        self._supervision.signal_stop(reason)

    async def run(self) -> Outcome:
        self._supervision.start()
        self._transport.on_room_event(self._on_room_event)
        try:
            return await self._interview()
        except Exception as error:
            logger.exception("the interview failed")
            return await self._fail(f"{type(error).__name__}: {str(error)[:200]}")
        finally:
            await self._tasks.close()
            with contextlib.suppress(Exception):
                await self._recorder.close()
            with contextlib.suppress(Exception):
                await self._transport.close()

    async def _interview(self) -> Outcome:
        await self._transport.connect()
        await self._room.agent_state("initializing")
        recorded = await self._recorder.agent_joined()
        self._recorded = recorded
        self._expires_at = recorded.expires_at
        if recorded.state in TERMINAL_STATES:
            logger.info(
                "the interview had already ended before the agent joined",
                extra={"state": recorded.state.value},
            )
            return Outcome(state=recorded.state, end_reason="ended_before_agent_joined")
        self._room.state = recorded.state
        if recorded.end_requested:
            self._supervision.signal_stop("end_requested")
        self._tasks.spawn("heartbeats", self._heartbeats())

        profile = await self._recorder.load_profile()
        self._profile = profile
        self._conversation = Conversation(
            profile=profile, silence=self._timeouts.silence, default_follow_ups=self._timeouts.max_follow_ups
        )
        await self._room.agent_state("thinking")
        self._questions = await self._brain.plan_questions(profile) or list(profile.questions)
        self._room.question_count = len(self._questions)
        try:
            await self._room.set_phase("waiting")
            await self._room.agent_state("idle")
            wait = self._transport.wait_for_candidate(self._timeouts.no_show)
            if not await self._supervision.until_stopped(wait):
                return await self._finish(InterviewState.ABANDONED, "no_show")
            self._supervision.arrived()
            await self._transition(
                InterviewState.IN_PROGRESS, started_at=self._clock.iso(), candidate_connected=True
            )
            self._tasks.spawn("time limit", self._watch_duration())

            await self._greet(profile)
            await self._ask_every_question()
            await self._close()
            return await self._finish(InterviewState.COMPLETED, "completed")
        except Interrupted as interrupted:
            return await self._finish_interrupted(interrupted.reason)

    async def _greet(self, profile: JobProfile) -> None:
        await self._room.set_phase("greeting")
        context = await self._interview_context()
        greeting = self._phrases.greeting(
            (context.job_title if context else None) or profile.title,
            len(self._questions),
            candidate_name=context.candidate_name if context else None,
        )
        await self.say(greeting)

    async def _ask_every_question(self) -> None:
        """Each question in turn, then the ones set aside, once more, before the close."""
        set_aside: list[tuple[int, Question, TurnItem]] = []
        for number, question in enumerate(self._questions, start=1):
            turn = await self._open_turn(number, question)
            outcome = await self._talk_through(number, question, turn)
            await self._close_turn(turn, question, outcome)
            if outcome == "set_aside":
                set_aside.append((number, question, turn))
        for number, question, turn in set_aside:
            outcome = await self._talk_through(number, question, turn, revisit=True)
            await self._close_turn(turn, question, "unanswered" if outcome == "set_aside" else outcome)

    async def _close(self) -> None:
        """The candidate's questions, then goodbye (after the last answer said back, when there is one)."""
        assert self._conversation is not None
        last = len(self._questions)
        closing = ClosingQuestions(self, self._conversation, number=last, question=self._questions[-1])
        said_back = await closing.run()
        await self._room.set_phase("closing")
        await self.say(f"{said_back} {self._phrases.closing}" if said_back else self._phrases.closing)

    async def _interview_context(self) -> InterviewContext | None:
        """The room's context, read once the candidate is here (it may be posted after the agent started).
        Optional: a failure to read it is the same as none, and the greeting names no one."""
        if self._load_context is None:
            return None
        try:
            context = await self._load_context()
        except Exception:
            logger.warning("could not read the interview context; greeting without it")
            return None
        if context is not None:
            logger.info("interview context read", extra={"fields": sorted(context.fields_set())})
        return context

    # -- one question --------------------------------------------------------------------------------

    async def _talk_through(
        self, number: int, question: Question, turn: TurnItem, *, revisit: bool = False
    ) -> TurnOutcome:
        assert self._conversation is not None
        handling = QuestionTurn(
            self, self._conversation, number=number, total=len(self._questions), question=question, turn=turn
        )
        try:
            return await handling.run(revisit=revisit)
        except Interrupted as interrupted:
            if interrupted.reason == "candidate_ended":  # what they said before asking to stop still counts
                await self._close_turn(turn, question, "answered" if turn.answer.strip() else "unanswered")
            raise

    async def _open_turn(self, number: int, question: Question) -> TurnItem:
        turn = TurnItem(
            room_name=self._identity.room_name,
            interview_id=self._identity.interview_id,
            index=number,
            question_id=question.id,
            question=question.text,
            category=question.category,
            competencies=list(question.competencies),
            asked_at=self._clock.iso(),
            expires_at=self._expires_at,
        )
        self._turns.append(turn)
        await self._recorder.save_turn(turn)
        return turn

    async def _close_turn(self, turn: TurnItem, question: Question, outcome: TurnOutcome) -> None:
        """Record the turn's outcome; an answer is acknowledged and assessed beside the conversation."""
        if outcome == "set_aside":
            turn.status = "unanswered"  # until it is asked again before the close
            await self._recorder.save_turn(turn)
            return
        turn.status = outcome
        if outcome != "answered":
            await self._recorder.save_turn(turn)
            return
        turn.answered_at = self._clock.iso()
        await self._recorder.save_turn(turn)
        await self._room.publish(
            FeedbackMessage(question_number=turn.index, message=self._phrases.feedback).payload()
        )
        self._room.acknowledge_next = True
        if turn.answer.strip():  # an answer the interview cannot assess (another language) has no text here
            self._tasks.spawn(f"assess:{question.id}", self._assess(turn, question))

    # -- what turn handling uses (turn_handling.Interviewer) --------------------------------------------

    @property
    def phrases(self) -> Phrases:
        return self._phrases

    def now_iso(self) -> str:
        return self._clock.iso()

    async def say(self, line: str) -> None:
        """Say a line to the candidate (said again after a welcome back if they leave meanwhile)."""
        if self._room.phase == "listening":  # a line within the question ("Of course, let's move on.")
            await self._room.set_phase("asking")
        await self._supervision.guarded(lambda _: self._room.speak(line), resume=self._welcome_back)

    async def converse(
        self,
        number: int,
        kind: ExchangeKind,
        line: str,
        *,
        question: Question | None,
        resume_line: str | None = None,
        silence: float | None = None,
    ) -> Exchange:
        """Say `line` and listen. If the candidate leaves meanwhile, it is done again when they are back:
        the question again (`resume_line`), or the same line when there is none."""

        def step(attempt: int) -> Any:
            if attempt and resume_line is not None and question is not None:
                return self._exchange(number, question, "repeat", resume_line, silence)
            return self._exchange(number, question, kind, line, silence)

        exchange: Exchange = await self._supervision.guarded(step, resume=self._welcome_back)
        return exchange

    async def understand(self, context: TurnContext, text: str) -> TurnReading:
        """The brain's reading of a turn; a brain that cannot read it counts it as an answer."""
        assert self._profile is not None
        await self._room.agent_state("thinking")
        try:
            return await self._supervision.until_stopped(
                self._brain.understand_turn(self._profile, context, text)
            )
        except Interrupted:
            raise
        except Exception as error:
            logger.warning(
                "the brain could not read the turn; taking it as an answer",
                extra={"question_id": context.question.id, "error": type(error).__name__},
            )
        follow_up: str | None = None
        if context.stage == "question" and context.follow_ups_asked < context.max_follow_ups:
            answer = "\n".join([*(e.answer for e in context.exchanges if e.answer), text])
            with contextlib.suppress(Exception):
                follow_up = await self._supervision.until_stopped(
                    self._brain.decide_follow_up(
                        self._profile, context.question, answer, context.follow_ups_asked
                    )
                )
        return TurnReading(kind="answer", follow_up=follow_up, reason="the brain could not read the turn")

    async def record(self, turn: TurnItem, exchange: Exchange) -> None:
        """Keep the exchange (with its reply, read) in the turn's record."""
        turn.exchanges.append(exchange)
        await self._recorder.save_turn(turn)

    async def _exchange(
        self,
        number: int,
        question: Question | None,
        kind: ExchangeKind,
        spoken: str,
        silence: float | None,
    ) -> Exchange:
        """Say one line of this question's turn and listen for the reply (None after the silence)."""
        total = len(self._questions)
        asked_at = self._clock.iso()
        if question is not None and kind in _ASKING_KINDS:
            shown = question.text if kind != "follow_up" else spoken
            self._room.show_question(number, shown)
            await self._room.set_phase("follow_up" if kind == "follow_up" else "asking")
            await self._room.publish(
                QuestionMessage(
                    question=shown,
                    question_number=number,
                    total_questions=total,
                    progress=progress_percent(number, total),
                    category=question.category,
                    timestamp=asked_at,
                ).payload()
            )
        else:
            await self._room.set_phase("closing" if kind == "closing_questions" else "asking")
        await self._room.speak(spoken)
        await self._room.set_phase("listening")
        await self._room.publish(AgentListeningMessage().payload())
        await self._room.agent_state("listening")
        utterance = await self._transport.listen(silence or self._timeouts.silence)
        exchange = Exchange(kind=kind, prompt=spoken, asked_at=asked_at)
        if utterance is None or not utterance.text.strip():
            return exchange
        self._room.turn_ended_at = utterance.ended_at
        await self._room.publish(ResponseReceivedMessage(question_number=number).payload())
        await self._room.publish(
            TranscriptMessage(speaker="candidate", text=utterance.text.strip(), final=True).payload()
        )
        return exchange.model_copy(
            update={
                "answer": utterance.text.strip(),
                "answer_started_at": self._clock.iso(utterance.started_at),
                "answer_ended_at": self._clock.iso(utterance.ended_at),
            }
        )

    async def _assess(self, turn: TurnItem, question: Question) -> None:
        assert self._profile is not None
        try:
            turn.assessment = await self._brain.assess_answer(self._profile, question, turn.answer)
        except Exception:
            logger.exception("assessment failed", extra={"question_id": question.id})
            self._notes.append(f"the answer to {question.id} could not be assessed")
            return
        await self._recorder.save_turn(turn)

    # -- the record -------------------------------------------------------------------------------------

    async def _transition(self, target: InterviewState, **fields: Any) -> bool:
        moved = await self._recorder.transition(target, **fields)
        # Refused because the record is already there (a webhook was faster): the record is right.
        if moved or (target not in TERMINAL_STATES and _rank(target) > _rank(self._room.state)):
            self._room.state = target
        return moved

    # -- the room and the background ------------------------------------------------------------------

    def _on_room_event(self, event: RoomEvent) -> None:
        if event.kind == "candidate_joined":
            self._supervision.arrived()
        elif event.kind == "candidate_left":
            self._supervision.left(event.at or self._clock.now())
        elif event.kind == "room_closed":
            self._supervision.signal_stop("room_closed")
        elif event.kind == "end_requested":
            self._supervision.signal_stop("end_requested")
        elif event.kind == "agent_replaced":  # another agent holds the interview now: leave it to them
            self._supervision.signal_stop("replaced")
        elif event.kind == "speech_closed":  # deaf and mute for good: end rather than time out each question
            self._supervision.signal_stop("speech_lost")

    async def _pause(self) -> None:
        await self._room.set_phase("paused")
        await self._room.agent_state("idle")

    async def _welcome_back(self) -> None:
        await self._room.speak(self._phrases.welcome_back)

    async def _heartbeats(self) -> None:
        # Beat at once, then every interval: from the moment the agent is in the room the backend sees it is
        # alive (POST /end-interview ends an interview itself only when no live agent would).
        while True:
            try:
                recorded = await self._recorder.heartbeat()
            except Exception:
                logger.warning("heartbeat write failed; retrying at the next beat")
            else:
                self._recorded = recorded
                if recorded.state in TERMINAL_STATES:
                    self._supervision.signal_stop("ended_elsewhere")
                elif recorded.end_requested:
                    self._supervision.signal_stop("end_requested")
            await self._clock.sleep(self._timeouts.heartbeat_interval)

    async def _watch_duration(self) -> None:
        await self._clock.sleep(self._timeouts.max_duration)
        self._supervision.signal_stop("max_duration")

    # -- endings -------------------------------------------------------------------------------------

    def _answered(self) -> int:
        return sum(1 for turn in self._turns if turn.status == "answered" or turn.answer.strip())

    async def _finish_interrupted(self, reason: StopReason) -> Outcome:
        logger.info(
            "interview interrupted",
            extra={"reason": reason, "candidate_came": self._supervision.ever_present},
        )
        ending = ending_for(
            reason,
            phrases=self._phrases,
            candidate_came=self._supervision.ever_present,
            answered=self._answered(),
            total=len(self._questions),
            recorded=self._recorded.state if self._recorded else None,
        )
        return await self._finish(
            ending.state,
            ending.end_reason,
            closing=ending.closing,
            error=ending.error,
            record=ending.record,
            report=ending.report,
        )

    async def _finish(
        self,
        state: InterviewState,
        end_reason: str,
        *,
        closing: str | None = None,
        error: str | None = None,
        record: bool = True,
        report: bool = True,
    ) -> Outcome:
        self._tasks.cancel("heartbeats")
        self._tasks.cancel("time limit")
        if closing and self._supervision.present:
            await self._room.set_phase("closing")
            with contextlib.suppress(TimeoutError):
                await self._clock.wait_for(self._room.speak(closing), CLOSING_SPEECH_LIMIT)
        report_written = False
        if self._turns and report:
            await self._room.set_phase("reporting")
            await self._room.agent_state("thinking")
            report_written = await self._write_report(end_reason, partial=end_reason != "completed")
        if record:
            fields: dict[str, Any] = {
                "phase": "ended",
                "end_reason": end_reason,
                "is_agent_speaking": False,
                "is_listening": False,
                "agent_connected": False,  # the agent leaves the room right after
            }
            if error:
                fields["error"] = error
            await self._transition(state, **fields)
        self._room.state = state
        self._room.phase = "ended"
        await self._room.publish(StatusMessage(state=state.value, phase="ended").payload())
        if state == InterviewState.COMPLETED:
            await self._room.publish(
                InterviewCompletedMessage(
                    total_questions=len(self._questions),
                    total_responses=self._answered(),
                    responses=question_responses(self._questions, self._turns),
                    reportUrl=self._identity.report_url,
                ).payload()
            )
        await self._room.agent_state("idle")
        return Outcome(
            state=state,
            end_reason=end_reason,
            total_questions=len(self._questions),
            questions_asked=len(self._turns),
            questions_answered=self._answered(),
            report_written=report_written,
            error=error,
        )

    async def _write_report(self, end_reason: str, *, partial: bool) -> bool:
        assert self._profile is not None
        pending = [task for task in self._tasks.named("assess:") if not task.done()]
        if pending:
            try:
                await self._clock.wait_for(
                    asyncio.gather(*pending, return_exceptions=True), self._timeouts.assessment_wait
                )
            except TimeoutError:
                self._notes.append(
                    f"{len(pending)} assessment(s) did not finish within {self._timeouts.assessment_wait:g} s"
                )
        conversation = self._conversation
        request = ReportRequest(
            room_name=self._identity.room_name,
            interview_id=self._identity.interview_id,
            candidate_id=self._identity.candidate_id,
            job_id=self._identity.job_id,
            turns=self._turns,
            total_questions=len(self._questions),
            end_reason=end_reason,
            partial=partial,
            notes=[*self._notes, *(conversation.notes if conversation else [])],
            candidate_questions=conversation.candidate_questions if conversation else [],
        )
        try:
            report = await self._brain.write_report(self._profile, request)
            await self._recorder.save_report(report)
        except Exception:
            logger.exception("the report could not be written")
            return False
        return True

    async def _fail(self, error: str) -> Outcome:
        with contextlib.suppress(Exception):
            await self._transition(
                InterviewState.FAILED, phase="ended", end_reason="error", error=error, agent_connected=False
            )
        with contextlib.suppress(Exception):
            await self._room.publish(
                StatusMessage(state=InterviewState.FAILED.value, phase="ended").payload()
            )
        return Outcome(
            state=InterviewState.FAILED,
            end_reason="error",
            total_questions=len(self._questions),
            questions_asked=len(self._turns),
            questions_answered=self._answered(),
            error=error,
        )


_RANKS = {state: rank for rank, state in enumerate(InterviewState)}


def _rank(state: InterviewState) -> int:
    return _RANKS[state]
