"""LiveKit WebhookEvent protobufs for samples, tests and benchmarks, shaped as LiveKit sends them.

`interview_timeline` is one whole interview as a LiveKit server reports it: the room starts, the agent
and the candidate join, the candidate's microphone and camera come on, the candidate drops and rejoins,
leaves, the agent leaves and the room finishes. Several events share a createdAt second, as they do in
LiveKit (its createdAt has one-second resolution).
"""

from __future__ import annotations

import uuid

from interview_common.room_protocol import AGENT_DISPLAY_NAME
from livekit.protocol import models
from livekit.protocol.webhook import WebhookEvent


def new_event_id() -> str:
    return "EV_" + uuid.uuid4().hex[:12]


def room_info(
    name: str, *, sid: str = "RM_sample", metadata: str = "", created_at: float = 0.0
) -> models.Room:
    return models.Room(
        sid=sid,
        name=name,
        empty_timeout=600,
        departure_timeout=120,
        creation_time=int(created_at),
        creation_time_ms=int(created_at * 1000),
        metadata=metadata,
    )


def participant_info(
    identity: str,
    *,
    name: str = "",
    joined_at: float,
    agent: bool = False,
    connected: bool = True,
    sid: str | None = None,
) -> models.ParticipantInfo:
    return models.ParticipantInfo(
        sid=sid or "PA_" + uuid.uuid4().hex[:12],
        identity=identity,
        name=name or identity,
        state=models.ParticipantInfo.State.ACTIVE if connected else models.ParticipantInfo.State.DISCONNECTED,
        joined_at=int(joined_at),
        joined_at_ms=int(joined_at * 1000),
        kind=models.ParticipantInfo.Kind.AGENT if agent else models.ParticipantInfo.Kind.STANDARD,
    )


def microphone(*, muted: bool = False) -> models.TrackInfo:
    return models.TrackInfo(
        sid="TR_" + uuid.uuid4().hex[:12],
        type=models.TrackType.AUDIO,
        source=models.TrackSource.MICROPHONE,
        muted=muted,
    )


def camera(*, muted: bool = False) -> models.TrackInfo:
    return models.TrackInfo(
        sid="TR_" + uuid.uuid4().hex[:12],
        type=models.TrackType.VIDEO,
        source=models.TrackSource.CAMERA,
        muted=muted,
        width=1280,
        height=720,
    )


def webhook_event(
    name: str,
    *,
    room: models.Room,
    created_at: float,
    participant: models.ParticipantInfo | None = None,
    track: models.TrackInfo | None = None,
    event_id: str | None = None,
) -> WebhookEvent:
    event = WebhookEvent(event=name, id=event_id or new_event_id(), created_at=int(created_at))
    event.room.CopyFrom(room)
    if participant is not None:
        event.participant.CopyFrom(participant)
    if track is not None:
        event.track.CopyFrom(track)
    return event


def interview_timeline(
    room_name: str,
    *,
    agent_identity: str,
    candidate_identity: str,
    candidate_name: str = "Candidate",
    start: float,
) -> list[WebhookEvent]:
    """The webhooks of one whole interview, in the order LiveKit sends them (times in seconds)."""
    room = room_info(room_name, created_at=start)

    def at(offset: float) -> float:
        return start + offset

    agent = participant_info(
        agent_identity, name=AGENT_DISPLAY_NAME, joined_at=at(0.8), agent=True, sid="PA_agent"
    )
    first = participant_info(candidate_identity, name=candidate_name, joined_at=at(2.1), sid="PA_first")
    second = participant_info(candidate_identity, name=candidate_name, joined_at=at(40.6), sid="PA_second")
    mic_1, cam_1, mic_2 = microphone(), camera(), microphone()
    return [
        webhook_event("room_started", room=room, created_at=at(0.0)),
        webhook_event("participant_joined", room=room, participant=agent, created_at=at(0.8)),
        webhook_event(
            "track_published", room=room, participant=agent, track=microphone(), created_at=at(1.2)
        ),
        webhook_event("participant_joined", room=room, participant=first, created_at=at(2.1)),
        # Same second as the join: the connection and phase order them, not createdAt.
        webhook_event("track_published", room=room, participant=first, track=mic_1, created_at=at(2.4)),
        webhook_event("track_published", room=room, participant=first, track=cam_1, created_at=at(2.9)),
        webhook_event("track_unpublished", room=room, participant=first, track=cam_1, created_at=at(30.2)),
        webhook_event(
            "participant_connection_aborted",
            room=room,
            participant=participant_info(
                candidate_identity, name=candidate_name, joined_at=at(2.1), connected=False
            ),
            created_at=at(40.1),
        ),
        # The candidate is back within the same second the old connection was reported gone.
        webhook_event("participant_joined", room=room, participant=second, created_at=at(40.6)),
        webhook_event("track_published", room=room, participant=second, track=mic_2, created_at=at(40.9)),
        webhook_event(
            "participant_left",
            room=room,
            participant=participant_info(
                candidate_identity, name=candidate_name, joined_at=at(40.6), connected=False
            ),
            created_at=at(95.0),
        ),
        webhook_event(
            "participant_left",
            room=room,
            participant=participant_info(
                agent_identity, name=AGENT_DISPLAY_NAME, joined_at=at(0.8), agent=True, connected=False
            ),
            created_at=at(160.0),
        ),
        webhook_event("room_finished", room=room, created_at=at(280.0)),
    ]
