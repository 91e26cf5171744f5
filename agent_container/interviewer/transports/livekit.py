"""The LiveKit transport: the agent in a real room, by voice and data messages.

- Joins with its own token, minted here from the backend's key pair: identity interview-agent-<id>,
  this room only, agent kind, can_update_own_metadata (for lk.agent.state), short TTL.
- Subscribes to audio only, as livekit-agents' `AutoSubscribe.AUDIO_ONLY` does (auto_subscribe off, each
  audio publication subscribed when it is published): the candidate's camera is never pulled.
- Voice: `VoicePipeline` (AgentSession with VAD, STT, turn detection, TTS; the conductor decides what is
  said). Video: `AvatarTile` (a small tile that lights up while the agent speaks).
- Data: reliable JSON messages on the room (`interview` topic for the frontend), capped and split to fit
  LiveKit's 15 KiB packets (transports.data_packets); a failed publish is logged as an error. Control
  messages from the backend (RoomService.SendData, topic `interview.control`, {"type": "end_interview"})
  become an `end_requested` room event. Only the server may send them (a participant cannot end the
  interview this way).
- lk.agent.state: written off the conductor's path, the latest state wins, each write bounded
  (ATTRIBUTE_WRITE_TIMEOUT): a reconnecting room never holds the interview up.
- The candidate: transports.candidate_rule (the recorded identity, else the first ordinary participant).
  Their leave is debounced (transports.presence): a full reconnect of the SDK emits
  participant-disconnected then connected for everyone, which is no leave.
- The room's end: DUPLICATE_IDENTITY (a second agent joined with this interview's identity) is
  `agent_replaced` (this agent exits without recording; the other one holds the interview); any other
  disconnect is `room_closed`. The voice session closing on its own (too many STT/TTS errors) is
  `speech_closed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from typing import Any

from interview_common import room_protocol
from interview_common.credentials import LiveKitKeyPair
from interview_common.observability import logger
from interview_common.room_protocol import AGENT_STATE_ATTRIBUTE, EndInterviewControl
from interview_common.room_protocol import AGENT_TOKEN_TTL as AGENT_TOKEN_TTL  # re-exported
from livekit import rtc

from interviewer.clock import Clock, RealClock
from interviewer.config import AgentSettings
from interviewer.ports import (
    CONTROL_TOPIC,
    INTERVIEW_TOPIC,
    AgentState,
    RoomEvent,
    RoomEventListener,
    Utterance,
)
from interviewer.transports.avatar import AvatarTile
from interviewer.transports.candidate_rule import CandidateRule
from interviewer.transports.data_packets import MessageTooLarge, packets
from interviewer.transports.livekit_voice import VoicePipeline
from interviewer.transports.presence import CandidatePresence

CONNECT_TIMEOUT = 20.0
# lk.agent.state writes can block for seconds while the room reconnects; none may take longer than this.
ATTRIBUTE_WRITE_TIMEOUT = 5.0
ORDINARY_KINDS = frozenset(
    {rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD, rtc.ParticipantKind.PARTICIPANT_KIND_SIP}
)


def agent_token(settings: AgentSettings) -> str:
    if settings.livekit_api_key is None or settings.livekit_api_secret is None:
        raise ValueError("LIVEKIT_API_KEY and LIVEKIT_API_SECRET are required to join the room")
    keys = LiveKitKeyPair(
        settings.livekit_api_key.get_secret_value(), settings.livekit_api_secret.get_secret_value()
    )
    return room_protocol.agent_token(keys, room_name=settings.room_name, identity=settings.agent_identity)


class LiveKitTransport:
    def __init__(
        self,
        settings: AgentSettings,
        *,
        clock: Clock | None = None,
        room: rtc.Room | None = None,
        voice: VoicePipeline | None = None,
        avatar: AvatarTile | None = None,
        voice_in_room: bool = True,
    ) -> None:
        """`voice_in_room=False` runs the voice pipeline without room audio (text only; for tests)."""
        self._settings = settings
        self._clock = clock or RealClock()
        self._room = room if room is not None else rtc.Room()
        # Speech is built before joining (imports, VAD model): the candidate never waits for it.
        self._voice = voice if voice is not None else _openai_or_local_voice(settings, self._clock)
        self._avatar = avatar
        self._voice_in_room = voice_in_room
        self._listeners: list[RoomEventListener] = []
        self._rule = CandidateRule(settings.candidate_identity)
        self._candidate: str | None = None
        self._presence = CandidatePresence(self._clock, self._emit)
        self._closing = False
        self._tasks: set[asyncio.Future[Any]] = set()
        self._wanted_state: AgentState | None = None
        self._written_state: AgentState | None = None
        self._state_writer: asyncio.Task[None] | None = None
        self.publish_failures = 0

    # -- Transport ---------------------------------------------------------------------------------

    async def connect(self) -> None:
        room = self._room
        room.on("participant_connected", self._on_participant_connected)
        room.on("participant_disconnected", self._on_participant_disconnected)
        room.on("track_published", self._on_track_published)
        room.on("data_received", self._on_data)
        room.on("disconnected", self._on_disconnected)
        self._voice.on_closed(self._on_voice_closed)
        await asyncio.wait_for(
            room.connect(
                self._settings.livekit_url, agent_token(self._settings), rtc.RoomOptions(auto_subscribe=False)
            ),
            CONNECT_TIMEOUT,
        )
        logger.info(
            "joined the room",
            extra={"room": self._settings.room_name, "identity": self._settings.agent_identity},
        )
        for participant in list(room.remote_participants.values()):
            for publication in list(participant.track_publications.values()):
                self._on_track_published(publication, participant)
        await self._voice.start(room if self._voice_in_room else None)
        if self._avatar is None:
            self._avatar = AvatarTile()
        try:
            await self._avatar.publish(room.local_participant)
        except Exception:  # the tile is a nicety; the interview goes on without it
            logger.warning("could not publish the avatar video track")
        for participant in list(room.remote_participants.values()):
            self._consider(participant)

    async def wait_for_candidate(self, timeout: float) -> bool:  # noqa: ASYNC109 - the port's contract
        return await self._presence.wait(timeout)

    async def say(self, text: str) -> None:
        if self._avatar:
            self._avatar.set_speaking(True)
        try:
            await self._voice.say(text)
        finally:
            if self._avatar:
                self._avatar.set_speaking(False)

    async def listen(self, timeout: float) -> Utterance | None:  # noqa: ASYNC109 - the port's contract
        return await self._voice.next_turn(timeout)

    async def publish(self, message: dict[str, Any], topic: str = INTERVIEW_TOPIC) -> None:
        if self._closing or not self._room.isconnected():
            return
        try:
            payloads = packets(message)
        except MessageTooLarge as error:
            self.publish_failures += 1
            logger.error("a data message is too large to send", extra={"topic": topic, "reason": str(error)})
            return
        for payload in payloads:
            try:
                await self._room.local_participant.publish_data(payload, reliable=True, topic=topic)
            except Exception as error:  # the record still holds everything; a lost room is its own event
                self.publish_failures += 1
                logger.error(
                    "could not publish a data message",
                    extra={"topic": topic, "type": message.get("type"), "error": type(error).__name__},
                )
                return

    async def set_agent_state(self, state: AgentState) -> None:
        """Returns at once: the attribute is written in the background, the latest state wins."""
        if self._closing:
            return
        self._wanted_state = state
        if self._state_writer is None or self._state_writer.done():
            self._state_writer = asyncio.create_task(self._write_states(), name="lk.agent.state writer")

    def on_room_event(self, listener: RoomEventListener) -> None:
        self._listeners.append(listener)

    async def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        await self._presence.aclose()
        if self._state_writer is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._state_writer, ATTRIBUTE_WRITE_TIMEOUT)
        if self._avatar:
            await self._avatar.aclose()
        await self._voice.aclose()
        for task in list(self._tasks):
            task.cancel()
        await self._room.disconnect()

    # -- lk.agent.state ----------------------------------------------------------------------------

    async def _write_states(self) -> None:
        while self._wanted_state is not None and self._wanted_state != self._written_state:
            state = self._wanted_state
            if not self._room.isconnected():
                return
            try:
                await asyncio.wait_for(
                    self._room.local_participant.set_attributes({AGENT_STATE_ATTRIBUTE: state}),
                    ATTRIBUTE_WRITE_TIMEOUT,
                )
            except Exception as error:  # never stops the interview; the next state is tried afresh
                logger.warning(
                    "could not set lk.agent.state", extra={"state": state, "error": type(error).__name__}
                )
                if self._wanted_state == state:
                    return
                continue
            self._written_state = state

    # -- the room's events -------------------------------------------------------------------------

    @property
    def candidate_identity(self) -> str | None:
        return self._candidate

    def _is_candidate(self, participant: rtc.RemoteParticipant) -> bool:
        is_agent = participant.kind not in ORDINARY_KINDS
        return self._rule.is_candidate(participant.identity, is_agent=is_agent, current=self._candidate)

    def _consider(self, participant: rtc.RemoteParticipant) -> None:
        if not self._is_candidate(participant):
            return
        self._candidate = participant.identity
        if self._voice_in_room:
            self._voice.link(participant.identity)
        self._presence.arrived(participant.identity)

    def _on_participant_connected(self, participant: rtc.RemoteParticipant) -> None:
        self._consider(participant)

    def _on_track_published(self, publication: Any, participant: rtc.RemoteParticipant) -> None:
        """Audio only (AutoSubscribe.AUDIO_ONLY): the agent never uses anyone's camera or screen."""
        if publication.kind == rtc.TrackKind.KIND_AUDIO and not publication.subscribed:
            publication.set_subscribed(True)

    def _on_participant_disconnected(self, participant: rtc.RemoteParticipant) -> None:
        if participant.identity == self._candidate:
            self._presence.departed(participant.identity, _reason_name(participant.disconnect_reason))

    def _on_data(self, packet: rtc.DataPacket) -> None:
        if packet.topic != CONTROL_TOPIC:
            return
        if packet.participant is not None:
            logger.warning(
                "ignored a control message from a participant", extra={"sender": packet.participant.identity}
            )
            return
        try:
            control = EndInterviewControl.model_validate_json(packet.data)
        except ValueError:
            logger.warning("ignored a control message that is not an end_interview request")
            return
        self._emit(
            RoomEvent(kind="end_requested", reason=control.reason or "end_interview", at=self._clock.now())
        )

    def _on_disconnected(self, reason: Any = None) -> None:
        if self._closing:
            return
        name = _reason_name(reason) if isinstance(reason, int) else str(reason)
        kind = "agent_replaced" if reason == rtc.DisconnectReason.DUPLICATE_IDENTITY else "room_closed"
        self._emit(RoomEvent(kind=kind, reason=name, at=self._clock.now()))

    def _on_voice_closed(self, reason: str) -> None:
        if self._closing:
            return
        self._emit(RoomEvent(kind="speech_closed", reason=reason, at=self._clock.now()))

    def _emit(self, event: RoomEvent) -> None:
        for listener in list(self._listeners):
            result = listener(event)
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)


def _reason_name(reason: int | None) -> str:
    try:
        return rtc.DisconnectReason.Name(reason or 0)  # type: ignore[arg-type]
    except ValueError:
        return str(reason)


def _openai_or_local_voice(settings: AgentSettings, clock: Clock) -> VoicePipeline:
    from interviewer.speech.factory import build_speech

    speech = build_speech(settings)
    logger.info("speech", extra={"speech": speech.kind})
    return VoicePipeline.create(clock, **speech.session_options())
