"""The interview, written down: greet, ask, listen, follow up, close, report.

The conductor knows nothing of LiveKit, OpenAI or DynamoDB: it talks to a Transport, a Brain and an
InterviewRecorder, and reads time from an injected Clock.

How it ends (state, and the exit code of the process):
- completed (0): every question asked; or POST /end-interview (closes politely, keeps what was answered);
  or the maximum duration was reached.
- abandoned (0): the candidate never came within the no-show timeout.
- the candidate left and did not come back within the rejoin grace, or the room closed under us:
  completed (0, report marked partial) when MORE THAN HALF of the questions were answered, since the
  report is then worth a person's review; abandoned (0) otherwise.
- failed (1): an error the conductor could not recover from; or the platform stopped the agent (SIGTERM):
  it says goodbye, writes what it has, and the state's error says what happened.
A brain failure never ends the interview (FallbackBrain answers); a speech failure is retried once,
then the line is delivered as text (the transcript message) and the report says so.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from interview_common.lifecycle import TERMINAL_STATES, InterviewState
from interview_common.models.interview_context import InterviewContext
from interview_common.models.job_profile import JobProfile, Question
from interview_common.models.turn import Exchange, TurnItem
from interview_common.observability import logger
from pydantic import BaseModel, ConfigDict

from interviewer.clock import Clock
from interviewer.config import AgentSettings
from interviewer.messages import (
    AgentListeningMessage,
    FeedbackMessage,
    InterviewCompletedMessage,
    QuestionMessage,
    ResponseReceivedMessage,
    StatusMessage,
    TranscriptMessage,
    progress_percent,
)
from interviewer.ports import (
    AgentState,
    Brain,
    ContextLoader,
    InterviewRecorder,
    Phase,
    Progress,
    RecordedState,
    ReportRequest,
    RoomEvent,
    SpeechFailed,
    Transport,
    Utterance,
)

T = TypeVar("T")

StopReason = Literal[
    "end_requested", "room_closed", "max_duration", "ended_elsewhere", "terminated", "candidate_gone"
]
ExchangeKind = Literal["question", "follow_up", "prompt", "repeat"]
SPEAKING_PHASES = frozenset({"greeting", "asking", "follow_up", "closing"})
CLOSING_SPEECH_LIMIT = 20.0  # seconds a goodbye may take once the interview is ending


class Interrupted(Exception):
    def __init__(self, reason: StopReason) -> None:
        super().__init__(reason)
        self.reason: StopReason = reason


class Timeouts(BaseModel):
    model_config = ConfigDict(frozen=True)

    no_show: float = 300.0
    silence: float = 25.0
    rejoin_grace: float = 120.0
    max_duration: float = 2700.0
    max_follow_ups: int = 1
    heartbeat_interval: float = 2.0
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


@dataclass(frozen=True)
class Phrases:
    notice: str = (
        "Before we begin: this interview is conducted by an AI, and it is recorded and transcribed. "
        "A person on the hiring team reviews your answers and makes the decision."
    )
    gentle_prompt: str = (
        "Take your time. Whenever you're ready, I'm listening, "
        "and if you'd rather skip this one, just say so."
    )
    move_on: str = "That's alright, let's move on."
    welcome_back: str = "Welcome back. Let's pick up where we left off."
    acknowledgement: str = "Thank you."
    feedback: str = "Thank you, your answer has been recorded."
    closing: str = (
        "That was my last question. Thank you for your time. Your answers have been recorded, and a person "
        "on the hiring team will review them and be in touch about next steps. Goodbye!"
    )
    closing_on_request: str = (
        "We'll end the interview here, as requested. Thank you for your time. Your answers so far have been "
        "recorded, and a person on the hiring team will review them. Goodbye."
    )
    closing_on_time: str = (
        "We've reached the time limit for this interview, so we'll stop here. Thank you. Your answers have "
        "been recorded, and a person on the hiring team will review them. Goodbye."
    )
    closing_on_terminate: str = (
        "I'm sorry, I have to end the interview now because of a technical problem. Your answers so far "
        "have been recorded. Goodbye."
    )

    def greeting(self, title: str, question_count: int, candidate_name: str | None = None) -> str:
        hello = f"Hello {candidate_name}, and welcome." if candidate_name else "Hello, and welcome."
        return (
            f"{hello} I'm the AI interviewer for this {_interview_name(title)}. {self.notice} "
            f"I'll ask you {question_count} questions; take your time with each one. Let's begin."
        )

    def question(self, number: int, total: int, text: str) -> str:
        return f"Question {number} of {total}. {text}"


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

        self._state = InterviewState.LAUNCHING
        self._phase: Phase | None = None
        self._profile: JobProfile | None = None
        self._questions: list[Question] = []
        self._turns: list[TurnItem] = []
        self._assessments: list[asyncio.Task[None]] = []
        self._notes: list[str] = []
        self._expires_at = 0
        self._current_number = 0
        self._current_text: str | None = None
        self._pending_ack = False
        self._last_turn_end: float | None = None
        self._recorded: RecordedState | None = None
        self._pending_stop: StopReason | None = None
        self._stop: asyncio.Future[StopReason] | None = None
        self._present = False
        self._absent = asyncio.Event()
        self._left_at = 0.0
        self._background: list[asyncio.Task[None]] = []
        # End of the candidate's turn -> the next line requested from speech (the agent's own overhead).
        self.response_latencies: list[float] = []

    # -- lifecycle -----------------------------------------------------------------------------------

    def request_stop(self, reason: StopReason = "terminated") -> None:
        """Stop from outside (SIGTERM): the interview closes politely and says why."""
        self._signal_stop(reason)

    async def run(self) -> Outcome:
        self._stop = asyncio.get_running_loop().create_future()
        if self._pending_stop:
            self._stop.set_result(self._pending_stop)
        self._transport.on_room_event(self._on_room_event)
        try:
            return await self._interview()
        except Exception as error:
            logger.exception("the interview failed")
            return await self._fail(f"{type(error).__name__}: {str(error)[:200]}")
        finally:
            for task in self._background:
                task.cancel()
            await asyncio.gather(*self._background, return_exceptions=True)
            with contextlib.suppress(Exception):
                await self._recorder.close()
            with contextlib.suppress(Exception):
                await self._transport.close()

    async def _interview(self) -> Outcome:
        await self._transport.connect()
        await self._agent_state("initializing")
        recorded = await self._recorder.agent_joined()
        self._recorded = recorded
        self._expires_at = recorded.expires_at
        if recorded.state in TERMINAL_STATES:
            logger.info(
                "the interview had already ended before the agent joined",
                extra={"state": recorded.state.value},
            )
            return Outcome(state=recorded.state, end_reason="ended_before_agent_joined")
        self._state = recorded.state
        if recorded.end_requested:
            self._signal_stop("end_requested")
        self._background.append(asyncio.ensure_future(self._heartbeats()))

        profile = await self._recorder.load_profile()
        self._profile = profile
        await self._agent_state("thinking")
        self._questions = await self._brain.plan_questions(profile) or list(profile.questions)
        try:
            await self._set_phase("waiting")
            await self._agent_state("idle")
            arrived = await self._until_stopped(self._transport.wait_for_candidate(self._timeouts.no_show))
            if not arrived:
                return await self._finish(InterviewState.ABANDONED, "no_show")
            self._mark_present()
            await self._transition(
                InterviewState.IN_PROGRESS, started_at=self._clock.iso(), candidate_connected=True
            )
            self._background.append(asyncio.ensure_future(self._watch_duration()))

            await self._set_phase("greeting")
            context = await self._interview_context()
            greeting = self._phrases.greeting(
                (context.job_title if context else None) or profile.title,
                len(self._questions),
                candidate_name=context.candidate_name if context else None,
            )
            await self._guarded(lambda _: self._speak(greeting), resume=self._welcome_back)
            for number, question in enumerate(self._questions, start=1):
                await self._ask(number, question)
            await self._set_phase("closing")
            await self._guarded(lambda _: self._speak(self._phrases.closing), resume=self._welcome_back)
            return await self._finish(InterviewState.COMPLETED, "completed")
        except Interrupted as interrupted:
            return await self._finish_interrupted(interrupted.reason)

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

    async def _ask(self, number: int, question: Question) -> None:
        assert self._profile is not None
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
        total = len(self._questions)

        spoken = self._phrases.question(number, total, question.text)
        exchange = await self._guarded(
            lambda attempt: self._exchange(
                number, question, "question" if attempt == 0 else "repeat", question.text, spoken
            ),
            resume=self._welcome_back,
        )
        await self._record(turn, exchange)
        if exchange.answer is None:
            exchange = await self._guarded(
                lambda attempt: self._exchange(
                    number,
                    question,
                    "prompt" if attempt == 0 else "repeat",
                    question.text,
                    self._phrases.gentle_prompt if attempt == 0 else spoken,
                ),
                resume=self._welcome_back,
            )
            await self._record(turn, exchange)
            if exchange.answer is None:
                turn.status = "unanswered"
                await self._recorder.save_turn(turn)
                await self._guarded(lambda _: self._speak(self._phrases.move_on), resume=self._welcome_back)
                return

        while turn.follow_ups < self._timeouts.max_follow_ups:
            await self._agent_state("thinking")
            follow_up = await self._until_stopped(
                self._brain.decide_follow_up(self._profile, question, turn.answer, turn.follow_ups)
            )
            if not follow_up:
                break
            turn.follow_ups += 1
            exchange = await self._guarded(
                self._follow_up_step(number, question, follow_up), resume=self._welcome_back
            )
            await self._record(turn, exchange)
            if exchange.answer is None:
                break

        turn.status = "answered"
        turn.answered_at = self._clock.iso()
        await self._recorder.save_turn(turn)
        await self._publish(FeedbackMessage(question_number=number, message=self._phrases.feedback).payload())
        self._pending_ack = True
        self._assessments.append(asyncio.ensure_future(self._assess(turn, question)))

    def _follow_up_step(
        self, number: int, question: Question, text: str
    ) -> Callable[[int], Awaitable[Exchange]]:
        return lambda _: self._exchange(number, question, "follow_up", text, text)

    async def _exchange(
        self, number: int, question: Question, kind: ExchangeKind, shown: str, spoken: str
    ) -> Exchange:
        """Say one line of this question's turn and listen for the answer (None after the silence timeout)."""
        total = len(self._questions)
        self._current_number, self._current_text = number, shown
        asked_at = self._clock.iso()
        if kind == "prompt":
            await self._set_phase("asking")
        else:
            await self._set_phase("follow_up" if kind == "follow_up" else "asking")
            await self._publish(
                QuestionMessage(
                    question=shown,
                    question_number=number,
                    total_questions=total,
                    progress=progress_percent(number, total),
                    category=question.category,
                    timestamp=asked_at,
                ).payload()
            )
        await self._speak(spoken)
        await self._set_phase("listening")
        await self._publish(AgentListeningMessage().payload())
        await self._agent_state("listening")
        utterance = await self._transport.listen(self._timeouts.silence)
        exchange = Exchange(kind=kind, prompt=spoken, asked_at=asked_at)
        if utterance is None or not utterance.text.strip():
            return exchange
        await self._received(number, utterance)
        return exchange.model_copy(
            update={
                "answer": utterance.text.strip(),
                "answer_started_at": self._clock.iso(utterance.started_at),
                "answer_ended_at": self._clock.iso(utterance.ended_at),
            }
        )

    async def _received(self, number: int, utterance: Utterance) -> None:
        self._last_turn_end = utterance.ended_at
        await self._publish(ResponseReceivedMessage(question_number=number).payload())
        await self._publish(
            TranscriptMessage(speaker="candidate", text=utterance.text.strip(), final=True).payload()
        )

    async def _record(self, turn: TurnItem, exchange: Exchange) -> None:
        turn.exchanges.append(exchange)
        await self._recorder.save_turn(turn)

    async def _assess(self, turn: TurnItem, question: Question) -> None:
        assert self._profile is not None
        try:
            turn.assessment = await self._brain.assess_answer(self._profile, question, turn.answer)
        except Exception:
            logger.exception("assessment failed", extra={"question_id": question.id})
            self._notes.append(f"the answer to {question.id} could not be assessed")
            return
        await self._recorder.save_turn(turn)

    # -- speaking, and what the room sees --------------------------------------------------------------

    async def _speak(self, text: str) -> None:
        if self._pending_ack:
            text = f"{self._phrases.acknowledgement} {text}"
            self._pending_ack = False
        if self._last_turn_end is not None:
            self.response_latencies.append(max(0.0, self._clock.now() - self._last_turn_end))
            self._last_turn_end = None
        await self._agent_state("speaking")
        error: SpeechFailed | None = None
        for _ in range(2):
            try:
                await self._transport.say(text)
                error = None
                break
            except SpeechFailed as failed:
                error = failed
        if error is not None:
            note = "speech failed; lines were delivered as text (transcript messages) instead"
            logger.warning(
                "speech failed twice; delivering the line as text", extra={"reason": str(error)[:200]}
            )
            if note not in self._notes:
                self._notes.append(note)
        await self._publish(TranscriptMessage(speaker="agent", text=text, final=True).payload())

    async def _publish(self, message: dict[str, Any]) -> None:
        await self._transport.publish(message)

    async def _agent_state(self, state: AgentState) -> None:
        try:
            await self._transport.set_agent_state(state)
        except Exception:  # an attribute update must never stop the interview
            logger.warning("could not set lk.agent.state", extra={"state": state})

    async def _set_phase(self, phase: Phase) -> None:
        if phase == self._phase:
            return
        self._phase = phase
        progress = Progress(
            phase=phase,
            current_question=self._current_text,
            question_index=self._current_number,
            question_count=len(self._questions),
            is_agent_speaking=phase in SPEAKING_PHASES,
            is_listening=phase == "listening",
        )
        await self._recorder.progress(progress)
        await self._publish(StatusMessage(state=self._state.value, phase=phase).payload())

    async def _transition(self, target: InterviewState, **fields: Any) -> bool:
        moved = await self._recorder.transition(target, **fields)
        # Refused because the record is already there (a webhook was faster): the record is right.
        if moved or (target not in TERMINAL_STATES and _rank(target) > _rank(self._state)):
            self._state = target
        return moved

    # -- interruptions -------------------------------------------------------------------------------

    def _signal_stop(self, reason: StopReason) -> None:
        if self._stop is None:
            self._pending_stop = self._pending_stop or reason
        elif not self._stop.done():
            self._stop.set_result(reason)

    def _on_room_event(self, event: RoomEvent) -> None:
        if event.kind == "candidate_joined":
            self._mark_present()
        elif event.kind == "candidate_left":
            self._present = False
            self._left_at = event.at or self._clock.now()
            self._absent.set()
        elif event.kind == "room_closed":
            self._signal_stop("room_closed")
        elif event.kind == "end_requested":
            self._signal_stop("end_requested")

    def _mark_present(self) -> None:
        self._present = True
        self._absent.clear()

    def _stopped(self) -> StopReason | None:
        return self._stop.result() if self._stop is not None and self._stop.done() else None

    async def _until_stopped(self, awaitable: Awaitable[T]) -> T:
        """`awaitable`'s result, unless the interview is stopped first (Interrupted)."""
        assert self._stop is not None
        reason = self._stopped()
        task = asyncio.ensure_future(awaitable)
        if reason:
            task.cancel()
            raise Interrupted(reason)
        waiting: set[asyncio.Future[Any]] = {task, self._stop}
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        await _cancel(task)
        raise Interrupted(self._stop.result())

    async def _guarded(self, step: Callable[[int], Awaitable[T]], resume: Callable[[], Awaitable[None]]) -> T:
        """Run a step that needs the candidate; if they leave, pause, and redo it when they are back."""
        assert self._stop is not None
        attempt = 0
        while True:
            reason = self._stopped()
            if reason:
                raise Interrupted(reason)
            if not self._present:
                await self._await_rejoin()
                await resume()
            task = asyncio.ensure_future(step(attempt))
            left = asyncio.ensure_future(self._absent.wait())
            waiting: set[asyncio.Future[Any]] = {task, left, self._stop}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            left.cancel()
            if task.done():
                return task.result()
            await _cancel(task)
            attempt += 1

    async def _await_rejoin(self) -> None:
        await self._set_phase("paused")
        await self._agent_state("idle")
        remaining = self._left_at + self._timeouts.rejoin_grace - self._clock.now()
        back = remaining > 0 and await self._until_stopped(self._transport.wait_for_candidate(remaining))
        if not back:
            raise Interrupted("candidate_gone")
        self._mark_present()

    async def _welcome_back(self) -> None:
        await self._speak(self._phrases.welcome_back)

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
                    self._signal_stop("ended_elsewhere")
                elif recorded.end_requested:
                    self._signal_stop("end_requested")
            await self._clock.sleep(self._timeouts.heartbeat_interval)

    async def _watch_duration(self) -> None:
        await self._clock.sleep(self._timeouts.max_duration)
        self._signal_stop("max_duration")

    # -- endings -------------------------------------------------------------------------------------

    def _answered(self) -> int:
        return sum(1 for turn in self._turns if turn.answer.strip())

    def _most_answered(self) -> bool:
        return self._answered() * 2 > len(self._questions)

    async def _finish_interrupted(self, reason: StopReason) -> Outcome:
        logger.info("interview interrupted", extra={"reason": reason})
        if reason == "end_requested":
            return await self._finish(
                InterviewState.COMPLETED, "end_requested", closing=self._phrases.closing_on_request
            )
        if reason == "max_duration":
            return await self._finish(
                InterviewState.COMPLETED, "max_duration", closing=self._phrases.closing_on_time
            )
        if reason == "terminated":
            return await self._finish(
                InterviewState.FAILED,
                "terminated",
                closing=self._phrases.closing_on_terminate,
                error=(
                    "the agent was stopped by the platform (SIGTERM) after "
                    f"{self._answered()} of {len(self._questions)} answers"
                ),
            )
        if reason == "ended_elsewhere":
            state = self._recorded.state if self._recorded else InterviewState.FAILED
            return await self._finish(state, "ended_elsewhere", record=False)
        # The candidate is gone (left for good, or the room closed): keep it if it is worth a review.
        state = InterviewState.COMPLETED if self._most_answered() else InterviewState.ABANDONED
        return await self._finish(state, "candidate_left" if reason == "candidate_gone" else "room_closed")

    async def _finish(
        self,
        state: InterviewState,
        end_reason: str,
        *,
        closing: str | None = None,
        error: str | None = None,
        record: bool = True,
    ) -> Outcome:
        for task in self._background:
            task.cancel()
        if closing and self._present:
            await self._set_phase("closing")
            with contextlib.suppress(TimeoutError):
                await self._clock.wait_for(self._speak(closing), CLOSING_SPEECH_LIMIT)
        report_written = False
        if self._turns:
            await self._set_phase("reporting")
            await self._agent_state("thinking")
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
        self._state = state
        self._phase = "ended"
        await self._publish(StatusMessage(state=state.value, phase="ended").payload())
        if state == InterviewState.COMPLETED:
            await self._publish(
                InterviewCompletedMessage(
                    total_questions=len(self._questions),
                    total_responses=self._answered(),
                    reportUrl=self._identity.report_url,
                ).payload()
            )
        await self._agent_state("idle")
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
        pending = [task for task in self._assessments if not task.done()]
        if pending:
            try:
                await self._clock.wait_for(
                    asyncio.gather(*pending, return_exceptions=True), self._timeouts.assessment_wait
                )
            except TimeoutError:
                self._notes.append(
                    f"{len(pending)} assessment(s) did not finish within {self._timeouts.assessment_wait:g} s"
                )
        request = ReportRequest(
            room_name=self._identity.room_name,
            interview_id=self._identity.interview_id,
            candidate_id=self._identity.candidate_id,
            job_id=self._identity.job_id,
            turns=self._turns,
            total_questions=len(self._questions),
            end_reason=end_reason,
            partial=partial,
            notes=self._notes,
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
            await self._publish(StatusMessage(state=InterviewState.FAILED.value, phase="ended").payload())
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


async def _cancel(task: asyncio.Future[Any]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


def _interview_name(title: str) -> str:
    """ "Backend engineer" → "Backend engineer interview"; a title that already says interview is kept."""
    return title if "interview" in title.lower() else f"{title} interview"
