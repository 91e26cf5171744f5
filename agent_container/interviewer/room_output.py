"""What the room sees and hears of the interviewer: each line spoken and captioned, the data messages, the
`lk.agent.state` attribute, and the phase (on the record for the status routes, and on the room).

A line is spoken with one retry; when speech fails twice it is delivered as text (its transcript message)
and the report says so. After an answer the next line is prefixed with "Thank you.", unless it thanks the
candidate already.
"""

from __future__ import annotations

from typing import Any

from interview_common.lifecycle import InterviewState
from interview_common.observability import logger
from interview_common.room_protocol.messages import StatusMessage, TranscriptMessage

from interviewer.clock import Clock
from interviewer.phrases import Phrases
from interviewer.ports import AgentState, InterviewRecorder, Phase, Progress, SpeechFailed, Transport

SPEAKING_PHASES = frozenset({"greeting", "asking", "follow_up", "closing"})
SPEECH_FAILED_NOTE = "speech failed; lines were delivered as text (transcript messages) instead"


class RoomOutput:
    def __init__(
        self,
        transport: Transport,
        recorder: InterviewRecorder,
        clock: Clock,
        phrases: Phrases,
        notes: list[str],
    ) -> None:
        self._transport = transport
        self._recorder = recorder
        self._clock = clock
        self._phrases = phrases
        self._notes = notes  # the report's notes (a speech failure is one)
        self.state = InterviewState.LAUNCHING  # the interview's state, as the status messages say it
        self.phase: Phase | None = None
        self.question_count = 0
        self.current_number = 0
        self.current_text: str | None = None
        self.acknowledge_next = False  # an answer was just given: thank the candidate in the next line
        self.turn_ended_at: float | None = None  # the end of the candidate's last turn, until it is answered
        # End of the candidate's turn -> the next line requested from speech (the agent's own overhead).
        self.response_latencies: list[float] = []

    def show_question(self, number: int, text: str) -> None:
        self.current_number, self.current_text = number, text

    async def speak(self, text: str) -> None:
        if self.acknowledge_next:
            if "thank you" not in text.lower():
                text = f"{self._phrases.acknowledgement} {text}"
            self.acknowledge_next = False
        if self.turn_ended_at is not None:
            self.response_latencies.append(max(0.0, self._clock.now() - self.turn_ended_at))
            self.turn_ended_at = None
        await self.agent_state("speaking")
        error: SpeechFailed | None = None
        for _ in range(2):
            try:
                await self._transport.say(text)
                error = None
                break
            except SpeechFailed as failed:
                error = failed
        if error is not None:
            logger.warning(
                "speech failed twice; delivering the line as text", extra={"reason": str(error)[:200]}
            )
            if SPEECH_FAILED_NOTE not in self._notes:
                self._notes.append(SPEECH_FAILED_NOTE)
        await self.publish(TranscriptMessage(speaker="agent", text=text, final=True).payload())

    async def publish(self, message: dict[str, Any]) -> None:
        await self._transport.publish(message)

    async def agent_state(self, state: AgentState) -> None:
        try:
            await self._transport.set_agent_state(state)
        except Exception:  # an attribute update must never stop the interview
            logger.warning("could not set lk.agent.state", extra={"state": state})

    async def set_phase(self, phase: Phase) -> None:
        if phase == self.phase:
            return
        self.phase = phase
        progress = Progress(
            phase=phase,
            current_question=self.current_text,
            question_index=self.current_number,
            question_count=self.question_count,
            is_agent_speaking=phase in SPEAKING_PHASES,
            is_listening=phase == "listening",
        )
        await self._recorder.progress(progress)
        await self.publish(StatusMessage(state=self.state.value, phase=phase).payload())
