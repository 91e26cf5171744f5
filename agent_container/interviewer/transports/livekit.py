"""The LiveKit transport: the agent in a real room, by voice and data messages.

- Joins with its own token, minted here from the backend's key pair: identity interview-agent-<id>,
  this room only, agent kind, can_update_own_metadata (for lk.agent.state), short TTL.
- Voice: `VoicePipeline` (AgentSession with VAD, STT, turn detection, TTS; the conductor decides what is
  said). Video: `AvatarTile` (a small tile that lights up while the agent speaks).
- Data: reliable JSON messages on the room (`interview` topic for the frontend); control messages from
  the backend (RoomService.SendData, topic `interview.control`, {"type": "end_interview"}) become an
  `end_requested` room event. Only the server may send them (a participant cannot end the interview
  this way).
- The candidate: the participant with CANDIDATE_IDENTITY, or else the first ordinary (non-agent)
  participant, since a frontend may mint its own candidate token.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from datetime import timedelta
from typing import Any

from interview_common import livekit_rooms
from interview_common.credentials import LiveKitKeyPair
from interview_common.models.identifiers import AGENT_IDENTITY_PREFIX
from interview_common.observability import logger
from livekit import rtc

from interviewer.clock import Clock, RealClock
from interviewer.config import AgentSettings
from interviewer.messages import EndInterviewControl
from interviewer.ports import (
    CONTROL_TOPIC,
    INTERVIEW_TOPIC,
    AgentState,
    RoomEvent,
    RoomEventListener,
    Utterance,
)
from interviewer.transports.avatar import AvatarTile
from interviewer.transports.livekit_voice import VoicePipeline

AGENT_STATE_ATTRIBUTE = "lk.agent.state"
AGENT_NAME = "AI Interviewer"
AGENT_TOKEN_TTL = timedelta(minutes=10)  # only for joining; LiveKit refreshes a connected participant's token
CONNECT_TIMEOUT = 20.0


def agent_token(settings: AgentSettings) -> str:
    if settings.livekit_api_key is None or settings.livekit_api_secret is None:
        raise ValueError("LIVEKIT_API_KEY and LIVEKIT_API_SECRET are required to join the room")
    keys = LiveKitKeyPair(
        settings.livekit_api_key.get_secret_value(), settings.livekit_api_secret.get_secret_value()
    )
    return livekit_rooms.participant_token(
        keys,
        room_name=settings.room_name,
        identity=settings.agent_identity,
        name=AGENT_NAME,
        metadata=json.dumps({"interviewId": settings.interview_id, "role": "interviewer"}),
        ttl=AGENT_TOKEN_TTL,
        is_agent=True,
    )


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
        self._candidate: str | None = None
        self._present = asyncio.Event()
        self._closing = False
        self._tasks: set[asyncio.Future[Any]] = set()

    # -- Transport ---------------------------------------------------------------------------------

    async def connect(self) -> None:
        room = self._room
        room.on("participant_connected", self._on_participant_connected)
        room.on("participant_disconnected", self._on_participant_disconnected)
        room.on("data_received", self._on_data)
        room.on("disconnected", self._on_disconnected)
        await asyncio.wait_for(
            room.connect(
                self._settings.livekit_url, agent_token(self._settings), rtc.RoomOptions(auto_subscribe=True)
            ),
            CONNECT_TIMEOUT,
        )
        logger.info(
            "joined the room",
            extra={"room": self._settings.room_name, "identity": self._settings.agent_identity},
        )
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
        if self._present.is_set():
            return True
        try:
            await self._clock.wait_for(self._present.wait(), timeout)
        except TimeoutError:
            return False
        return True

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
            await self._room.local_participant.publish_data(
                json.dumps(message, separators=(",", ":")), reliable=True, topic=topic
            )
        except Exception:  # a lost room is reported by the disconnected event; the record still holds all
            logger.warning(
                "could not publish a data message", extra={"topic": topic, "type": message.get("type")}
            )

    async def set_agent_state(self, state: AgentState) -> None:
        if self._closing or not self._room.isconnected():
            return
        await self._room.local_participant.set_attributes({AGENT_STATE_ATTRIBUTE: state})

    def on_room_event(self, listener: RoomEventListener) -> None:
        self._listeners.append(listener)

    async def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        if self._avatar:
            await self._avatar.aclose()
        await self._voice.aclose()
        for task in list(self._tasks):
            task.cancel()
        await self._room.disconnect()

    # -- the room's events -------------------------------------------------------------------------

    @property
    def candidate_identity(self) -> str | None:
        return self._candidate

    def _is_candidate(self, participant: rtc.RemoteParticipant) -> bool:
        if self._candidate is not None:
            return participant.identity == self._candidate
        if participant.identity == self._settings.candidate_identity:
            return True
        ordinary = participant.kind == rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD
        return ordinary and not participant.identity.startswith(AGENT_IDENTITY_PREFIX.rstrip("-"))

    def _consider(self, participant: rtc.RemoteParticipant) -> None:
        if not self._is_candidate(participant):
            return
        self._candidate = participant.identity
        if self._voice_in_room:
            self._voice.link(participant.identity)
        self._present.set()
        self._emit(RoomEvent(kind="candidate_joined", identity=participant.identity, at=self._clock.now()))

    def _on_participant_connected(self, participant: rtc.RemoteParticipant) -> None:
        self._consider(participant)

    def _on_participant_disconnected(self, participant: rtc.RemoteParticipant) -> None:
        if participant.identity != self._candidate:
            return
        self._present.clear()
        reason = _reason_name(participant.disconnect_reason)
        self._emit(
            RoomEvent(
                kind="candidate_left", identity=participant.identity, reason=reason, at=self._clock.now()
            )
        )

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
        self._emit(RoomEvent(kind="room_closed", reason=name, at=self._clock.now()))

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
