"""The voice pipeline: livekit-agents' AgentSession (VAD, STT, turn detection, TTS), with the conductor,
not an LLM, deciding what is said.

- The session's LLM slot holds a `TurnRelay`: when the session decides the candidate's turn is over (by
  voice, or by a typed `lk.chat` message), it asks its LLM for a reply; the relay hands the candidate's
  words to the conductor instead and replies nothing. No free-running model ever speaks.
- The conductor speaks with `session.say(text)`; captions of what the agent says go out on
  `lk.transcription` through RoomIO's transcription output.
- Turn taking: Silero VAD plus the end-of-turn rule of `interviewer.speech.turn_taking` (a longer wait
  for an answer that does not look finished), so a thinking pause does not cut the candidate off.
  Preemptive generation is off (nothing is prepared from half an answer).
- Outside a worker job (we connect the room ourselves) RoomIO must not delete the room on close, and
  must not close the session when the candidate disconnects: they may come back.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from interview_common.observability import logger
from livekit import rtc
from livekit.agents import Agent, AgentSession, llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr
from livekit.agents.voice.agent_session import SessionConnectOptions
from livekit.agents.voice.room_io import RoomOptions, TextInputEvent, TextInputOptions, TextOutputOptions

from interviewer.clock import Clock
from interviewer.ports import SpeechFailed, Utterance

AGENT_INSTRUCTIONS = "You relay an interview conducted by a program; you never write replies."
# A TTS outage must not close the whole session (the candidate can still be heard and can type).
MAX_UNRECOVERABLE_ERRORS = 50
TTS_CONNECT = APIConnectOptions(max_retry=2, retry_interval=1.0, timeout=15.0)
# No remote control of the session from the room (see VoicePipeline.start).
SESSION_HOST = False


class TurnRelay(llm.LLM):
    """The session's LLM slot: receives each finished candidate turn and writes no reply."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self._clock = clock
        self._turns: asyncio.Queue[Utterance] = asyncio.Queue()
        self._turn_started_at: float | None = None

    @property
    def model(self) -> str:
        return "conductor-relay"

    @property
    def provider(self) -> str:
        return "interviewer"

    def candidate_started_speaking(self) -> None:
        if self._turn_started_at is None:
            self._turn_started_at = self._clock.now()

    def deliver(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        ended = self._clock.now()
        started = self._turn_started_at if self._turn_started_at is not None else ended
        self._turn_started_at = None
        self._turns.put_nowait(Utterance(text=text, started_at=started, ended_at=ended))

    async def next_turn(self, timeout: float) -> Utterance | None:  # noqa: ASYNC109 - the port's contract
        try:
            return await self._clock.wait_for(self._turns.get(), timeout)
        except TimeoutError:
            return None

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> llm.LLMStream:
        return _RelayStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class _RelayStream(llm.LLMStream):
    async def _run(self) -> None:
        relay = self._llm
        assert isinstance(relay, TurnRelay)
        for item in reversed(self._chat_ctx.items):
            if getattr(item, "role", None) == "user":
                relay.deliver(item.text_content or "")  # type: ignore[union-attr]
                return


class VoicePipeline:
    """One AgentSession, started in a room (or, in tests, with no room: text only)."""

    def __init__(self, session: AgentSession, relay: TurnRelay) -> None:
        self.session = session
        self.relay = relay
        self._tts_failures: list[str] = []
        session.on("error", self._on_error)
        session.on("user_state_changed", self._on_user_state)

    @classmethod
    def create(
        cls, clock: Clock, *, tts_connect: APIConnectOptions = TTS_CONNECT, **session_options: Any
    ) -> VoicePipeline:
        """`session_options`: stt, tts, vad and turn_handling (interviewer.speech's SpeechStack)."""
        relay = TurnRelay(clock)
        turn_handling = dict(session_options.pop("turn_handling", {}))
        turn_handling["preemptive_generation"] = {"enabled": False}
        # Barge-in by voice activity (no cloud model): the candidate can interrupt a long question.
        turn_handling.setdefault("interruption", {"enabled": True, "mode": "vad", "min_duration": 0.8})
        session: AgentSession = AgentSession(
            llm=relay,
            turn_handling=turn_handling,  # type: ignore[arg-type]
            user_away_timeout=None,
            conn_options=SessionConnectOptions(
                tts_conn_options=tts_connect, max_unrecoverable_errors=MAX_UNRECOVERABLE_ERRORS
            ),
            **session_options,
        )
        return cls(session, relay)

    async def start(self, room: rtc.Room | None = None) -> None:
        options = RoomOptions(
            close_on_disconnect=False,
            delete_room_on_close=False,
            text_input=TextInputOptions(text_input_cb=self._typed),
            text_output=TextOutputOptions(sync_transcription=True),
        )
        if room is None:
            await self.session.start(Agent(instructions=AGENT_INSTRUCTIONS), record=False)
            return
        # session_host off: AgentSession would otherwise open a remote-control channel (lk.agent.session)
        # that any participant could drive (run_input injects a turn, update_io mutes the agent) and
        # that broadcasts every session event to the room. The conductor is the only one who drives.
        await self.session.start(
            Agent(instructions=AGENT_INSTRUCTIONS),
            room=room,
            room_options=options,
            record=False,
            session_host=SESSION_HOST,
        )
        # The conductor keeps lk.agent.state (it knows when it is thinking or paused); RoomIO would
        # overwrite it with the session's own view.
        with contextlib.suppress(Exception):
            self.session.off("agent_state_changed", self.session.room_io._on_agent_state_changed)

    def link(self, identity: str) -> None:
        """Listen to this participant (the candidate), also after they rejoin."""
        with contextlib.suppress(RuntimeError):
            self.session.room_io.set_participant(identity)

    async def say(self, text: str) -> None:
        failures = len(self._tts_failures)
        try:
            handle = self.session.say(text, allow_interruptions=True)
            await handle
        except RuntimeError as error:  # the session is closing or closed
            raise SpeechFailed(str(error)) from error
        if handle.exception() is not None:
            raise SpeechFailed(f"speech failed: {type(handle.exception()).__name__}")
        if len(self._tts_failures) > failures:
            raise SpeechFailed(self._tts_failures[-1])

    async def next_turn(self, timeout: float) -> Utterance | None:  # noqa: ASYNC109 - the port's contract
        return await self.relay.next_turn(timeout)

    async def aclose(self) -> None:
        with contextlib.suppress(Exception):
            await self.session.aclose()

    def _on_error(self, event: Any) -> None:
        error = getattr(event, "error", None)
        if getattr(error, "type", None) == "tts_error" and not getattr(error, "recoverable", True):
            self._tts_failures.append(
                f"text-to-speech failed: {type(getattr(error, 'error', error)).__name__}"
            )
            logger.warning("text-to-speech failed", extra={"reason": self._tts_failures[-1]})

    def _on_user_state(self, event: Any) -> None:
        if getattr(event, "new_state", None) == "speaking":
            self.relay.candidate_started_speaking()

    async def _typed(self, session: AgentSession, event: TextInputEvent) -> None:
        """A typed answer (lk.chat) counts as the candidate's turn, like a spoken one."""
        self.relay.deliver(event.text)
