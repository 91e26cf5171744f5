"""The voice pipeline: livekit-agents' AgentSession (VAD, STT, turn detection, TTS), with the conductor,
not an LLM, deciding what is said.

- The session has no LLM. Its agent (`ConductorAgent`) takes each finished candidate turn in
  `on_user_turn_completed` and raises `StopResponse`, the framework's own hook for "the program, not a
  model, decides what is said" (livekit/agents' multi-user transcriber does the same). A typed answer
  (`lk.chat`) arrives through RoomIO's text input callback and counts as a turn in the same way.
- The conductor speaks with `session.say(text)`; captions of what the agent says go out on
  `lk.transcription` through RoomIO's transcription output.
- Backchannels: while the agent speaks, at most BACKCHANNEL_MAX_WORDS words ("mm-hmm", "okay", "right")
  neither interrupt it nor become a turn (the interruption's `min_words`; speech must also last
  `min_duration`), and when the line has played to its end what was pending is cleared (unless the
  candidate stopped speaking under TRANSCRIPTION_SETTLE_SECONDS ago), so it does not open the answer;
  more words interrupt the line (barge-in) and are the candidate's turn.
- Stale turns: a listen never returns a turn that ended before the agent's latest line began (words said
  while the conductor was doing something else answer nothing it asked now).
- Bounded speech: RoomIO holds the agent's audio until someone subscribes to it; `say` waits for the
  first subscriber at most `SUBSCRIBER_WAIT` seconds, then raises SpeechFailed (the conductor delivers
  the line as text), and later lines fail at once until a subscriber comes. A line never takes longer
  than its length allows (`line_limit`).
- The session closes itself after too many unrecoverable STT/TTS errors: `on_closed` tells the
  transport, which makes it a room event the conductor acts on.
- Turn taking: Silero VAD plus the end-of-turn rule of `interviewer.speech.turn_taking` (a longer wait
  for an answer that does not look finished), so a thinking pause does not cut the candidate off.
  Preemptive generation is off (nothing is prepared from half an answer).
- Outside a worker job (we connect the room ourselves) RoomIO must not delete the room on close, and
  must not close the session when the candidate disconnects: they may come back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from interview_common.observability import logger
from livekit import rtc
from livekit.agents import Agent, AgentSession, StopResponse, llm
from livekit.agents.types import APIConnectOptions
from livekit.agents.voice.agent_session import SessionConnectOptions
from livekit.agents.voice.room_io import RoomOptions, TextInputEvent, TextInputOptions, TextOutputOptions

from interviewer.clock import Clock
from interviewer.ports import SpeechFailed, Utterance

AGENT_INSTRUCTIONS = "You relay an interview conducted by a program; you never write replies."
# A TTS outage must not close the whole session at once (the candidate can still be heard and can type);
# past this many errors in a row the session closes and the transport reports it (speech_closed).
MAX_UNRECOVERABLE_ERRORS = 50
TTS_CONNECT = APIConnectOptions(max_retry=2, retry_interval=1.0, timeout=15.0)
# No remote control of the session from the room (see VoicePipeline.start).
SESSION_HOST = False
# "mm-hmm", "yeah okay": at most this many words while the agent speaks is a backchannel, not a turn.
BACKCHANNEL_MAX_WORDS = 2
# Speech shorter than this while the agent speaks never interrupts it (a cough, a breath, "mm").
INTERRUPTION_MIN_SECONDS = 0.8
# How long the first line waits for the candidate's client to subscribe to the agent's audio.
SUBSCRIBER_WAIT = 10.0
# A line may take this long per word, plus a fixed allowance (TTS start, network), before it is cut off.
LINE_SECONDS_PER_WORD = 0.8
LINE_FIXED_SECONDS = 20.0
CLOSE_TRANSCRIPT_WAIT = 0.2
# Words the candidate finished saying this recently may still be in transcription (OpenAI's STT takes
# ~0.3-1 s): they are never cleared as a backchannel.
TRANSCRIPTION_SETTLE_SECONDS = 1.5

ClosedListener = Callable[[str], None]


def line_limit(text: str) -> float:
    """The longest a spoken line may take: far above speaking time, so only a stalled output hits it."""
    return LINE_FIXED_SECONDS + LINE_SECONDS_PER_WORD * len(text.split())


class CandidateTurns:
    """The candidate's finished turns (spoken or typed), in order, with timings on the clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._turns: asyncio.Queue[Utterance] = asyncio.Queue()
        self._turn_started_at: float | None = None
        self._line_started_at: float | None = None
        self.dropped: list[Utterance] = []

    def candidate_started_speaking(self) -> None:
        if self._turn_started_at is None:
            self._turn_started_at = self._clock.now()

    def forget_partial_turn(self) -> None:
        """What the candidate began saying was dropped (a backchannel): the next turn starts afresh."""
        self._turn_started_at = None

    def agent_line_started(self) -> None:
        """The agent begins a line: turns that ended before now are stale for every later listen."""
        self._line_started_at = self._clock.now()

    def deliver(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        ended = self._clock.now()
        started = self._turn_started_at if self._turn_started_at is not None else ended
        self._turn_started_at = None
        self._turns.put_nowait(Utterance(text=text, started_at=min(started, ended), ended_at=ended))

    async def next_turn(self, timeout: float) -> Utterance | None:  # noqa: ASYNC109 - the port's contract
        self._drop_stale()
        try:
            return await self._clock.wait_for(self._turns.get(), timeout)
        except TimeoutError:
            return None

    def _drop_stale(self) -> None:
        line_started = self._line_started_at
        if line_started is None:
            return
        while not self._turns.empty():
            turn = self._turns.get_nowait()
            if turn.ended_at >= line_started:
                # Said during or after the latest line: an answer to it (or a barge-in). Keep it, first.
                kept = [turn]
                while not self._turns.empty():
                    kept.append(self._turns.get_nowait())
                for item in kept:
                    self._turns.put_nowait(item)
                return
            self.dropped.append(turn)
            logger.info("dropped a stale candidate turn", extra={"words": len(turn.text.split())})


class ConductorAgent(Agent):
    """The session's agent: hands each finished turn to the conductor and never replies itself."""

    def __init__(self, turns: CandidateTurns) -> None:
        super().__init__(instructions=AGENT_INSTRUCTIONS)
        self._turns = turns

    async def on_user_turn_completed(self, turn_ctx: llm.ChatContext, new_message: llm.ChatMessage) -> None:
        self._turns.deliver(new_message.text_content or "")
        raise StopResponse()


class VoicePipeline:
    """One AgentSession, started in a room (or, in tests, with no room: text only)."""

    def __init__(self, session: AgentSession, turns: CandidateTurns, clock: Clock) -> None:
        self.session = session
        self.turns = turns
        self._clock = clock
        self._in_room = False
        self._closing = False
        self._no_audience = False
        self._candidate_stopped_at: float | None = None
        self._tts_failures: list[str] = []
        self._closed_listeners: list[ClosedListener] = []
        session.on("error", self._on_error)
        session.on("user_state_changed", self._on_user_state)
        session.on("close", self._on_close)

    @classmethod
    def create(
        cls,
        clock: Clock,
        *,
        tts_connect: APIConnectOptions = TTS_CONNECT,
        max_unrecoverable_errors: int = MAX_UNRECOVERABLE_ERRORS,
        **session_options: Any,
    ) -> VoicePipeline:
        """`session_options`: stt, tts, vad and turn_handling (interviewer.speech's SpeechStack)."""
        turns = CandidateTurns(clock)
        turn_handling = dict(session_options.pop("turn_handling", {}))
        turn_handling["preemptive_generation"] = {"enabled": False}
        # Barge-in by voice activity (no cloud model) once the candidate has said more than a backchannel.
        interruption = {
            "enabled": True,
            "mode": "vad",
            "min_duration": INTERRUPTION_MIN_SECONDS,
            "min_words": BACKCHANNEL_MAX_WORDS + 1,
        }
        interruption.update(turn_handling.get("interruption", {}))
        turn_handling["interruption"] = interruption
        # When the session closes the interview is over: no point waiting for a last transcript.
        session_options.setdefault("session_close_transcript_timeout", CLOSE_TRANSCRIPT_WAIT)
        session: AgentSession = AgentSession(
            turn_handling=turn_handling,  # type: ignore[arg-type]
            user_away_timeout=None,
            conn_options=SessionConnectOptions(
                tts_conn_options=tts_connect, max_unrecoverable_errors=max_unrecoverable_errors
            ),
            **session_options,
        )
        return cls(session, turns, clock)

    def on_closed(self, listener: ClosedListener) -> None:
        """`listener(reason)` when the session closes on its own (not through `aclose`)."""
        self._closed_listeners.append(listener)

    async def start(self, room: rtc.Room | None = None) -> None:
        agent = ConductorAgent(self.turns)
        if room is None:
            await self.session.start(agent, record=False)
            return
        options = RoomOptions(
            close_on_disconnect=False,
            delete_room_on_close=False,
            text_input=TextInputOptions(text_input_cb=self._typed),
            text_output=TextOutputOptions(sync_transcription=True),
        )
        # session_host off: AgentSession would otherwise open a remote-control channel (lk.agent.session)
        # that any participant could drive (run_input injects a turn, update_io mutes the agent) and
        # that broadcasts every session event to the room. The conductor is the only one who drives.
        await self.session.start(
            agent, room=room, room_options=options, record=False, session_host=SESSION_HOST
        )
        self._in_room = True
        _leave_agent_state_to_the_conductor(self.session)

    def link(self, identity: str) -> None:
        """Listen to this participant (the candidate), also after they rejoin."""
        with contextlib.suppress(RuntimeError):
            self.session.room_io.set_participant(identity)

    async def say(self, text: str) -> None:
        if not await self._someone_listens():
            raise SpeechFailed("nobody has subscribed to the agent's audio")
        self.turns.agent_line_started()
        failures = len(self._tts_failures)
        try:
            handle = self.session.say(text, allow_interruptions=True)
        except RuntimeError as error:  # the session is closing or closed
            raise SpeechFailed(str(error)) from error
        try:
            await self._clock.wait_for(asyncio.shield(handle.wait_for_playout()), line_limit(text))
        except TimeoutError as error:
            handle.interrupt(force=True)
            raise SpeechFailed("the line did not finish playing in time") from error
        if handle.exception() is not None:
            raise SpeechFailed(f"speech failed: {type(handle.exception()).__name__}")
        if not handle.interrupted and self._backchannel_settled():
            # The line played to its end, so nothing said over it reached the interruption's min_words:
            # what is pending (a lone "mm-hmm") is a backchannel, not the start of the answer.
            self._forget_backchannel()
        if len(self._tts_failures) > failures:
            raise SpeechFailed(self._tts_failures[-1])

    async def next_turn(self, timeout: float) -> Utterance | None:  # noqa: ASYNC109 - the port's contract
        return await self.turns.next_turn(timeout)

    def _backchannel_settled(self) -> bool:
        """The candidate is silent, and long enough for any words they said to have been transcribed
        (words still in transcription could be the start of a barge-in: those are kept)."""
        if self.session.user_state == "speaking":
            return False
        stopped = self._candidate_stopped_at
        return stopped is None or self._clock.now() - stopped >= TRANSCRIPTION_SETTLE_SECONDS

    def _forget_backchannel(self) -> None:
        if not self._in_room:
            return
        with contextlib.suppress(RuntimeError):
            self.session.clear_user_turn()
        self.turns.forget_partial_turn()

    async def aclose(self) -> None:
        self._closing = True
        with contextlib.suppress(Exception):
            await self.session.aclose()

    async def _someone_listens(self) -> bool:
        """True once a client subscribes to the agent's audio; False after SUBSCRIBER_WAIT without one."""
        if not self._in_room:
            return True
        subscribed = self.session.room_io.subscribed_fut
        if subscribed is None or subscribed.done():
            self._no_audience = False
            return True
        if self._no_audience:  # waited once already: fail fast until someone subscribes
            return False
        try:
            await self._clock.wait_for(asyncio.shield(subscribed), SUBSCRIBER_WAIT)
        except TimeoutError:
            self._no_audience = True
            logger.warning(
                "nobody subscribed to the agent's audio; its lines go out as text",
                extra={"waited_seconds": SUBSCRIBER_WAIT},
            )
            return False
        return True

    def _on_error(self, event: Any) -> None:
        error = getattr(event, "error", None)
        if getattr(error, "type", None) == "tts_error" and not getattr(error, "recoverable", True):
            self._tts_failures.append(
                f"text-to-speech failed: {type(getattr(error, 'error', error)).__name__}"
            )
            logger.warning("text-to-speech failed", extra={"reason": self._tts_failures[-1]})

    def _on_close(self, event: Any) -> None:
        if self._closing:
            return
        error = getattr(event, "error", None)
        kind = getattr(error, "type", None)
        reason = f"{kind}" if kind else str(getattr(getattr(event, "reason", None), "value", "closed"))
        logger.error("the voice session closed on its own", extra={"reason": reason})
        for listener in list(self._closed_listeners):
            listener(reason)

    def _on_user_state(self, event: Any) -> None:
        state = getattr(event, "new_state", None)
        if state == "speaking":
            self.turns.candidate_started_speaking()
        elif getattr(event, "old_state", None) == "speaking":
            self._candidate_stopped_at = self._clock.now()

    async def _typed(self, session: AgentSession, event: TextInputEvent) -> None:
        """A typed answer (lk.chat) counts as the candidate's turn, like a spoken one."""
        self.turns.deliver(event.text)


def _leave_agent_state_to_the_conductor(session: AgentSession) -> None:
    """The conductor keeps lk.agent.state (it knows when it is thinking or paused); RoomIO would overwrite
    it with the session's own view. livekit-agents has no option for this, so RoomIO's handler is taken
    off by name, loudly: an upgrade that renames it fails here (and in the transport's tests)."""
    handler = getattr(session.room_io, "_on_agent_state_changed", None)
    if handler is None:
        raise RuntimeError(
            "livekit-agents' RoomIO has no _on_agent_state_changed any more: "
            "lk.agent.state would be written twice; adapt VoicePipeline.start to this version"
        )
    session.off("agent_state_changed", handler)
    # The session went to "listening" as it started; RoomIO's write of it may still be pending.
    pending = getattr(session.room_io, "_update_state_atask", None)
    if isinstance(pending, asyncio.Task) and not pending.done():
        pending.cancel()
