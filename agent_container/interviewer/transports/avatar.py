"""The agent's video tile: a small solid-colour frame, brighter while the agent speaks.

Cheap by construction: two frames are built once (speaking, not speaking) and the same bytes are sent a
few times per second; nothing is drawn per frame. 160x120 RGBA at 4 fps is ~300 KB/s into the encoder,
which LiveKit compresses to almost nothing (the picture never changes within a state).
"""

from __future__ import annotations

import asyncio
import contextlib

from livekit import rtc

WIDTH = 160
HEIGHT = 120
FPS = 4.0
IDLE_RGBA = (32, 48, 72, 255)  # dim slate
SPEAKING_RGBA = (64, 156, 255, 255)  # bright blue
TRACK_NAME = "interviewer-avatar"


def solid_frame(rgba: tuple[int, int, int, int], width: int = WIDTH, height: int = HEIGHT) -> rtc.VideoFrame:
    return rtc.VideoFrame(width, height, rtc.VideoBufferType.RGBA, bytes(rgba) * (width * height))


class AvatarTile:
    def __init__(self, *, fps: float = FPS, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.source = rtc.VideoSource(width, height)
        self.track = rtc.LocalVideoTrack.create_video_track(TRACK_NAME, self.source)
        self._interval = 1.0 / fps
        self._frames = {
            False: solid_frame(IDLE_RGBA, width, height),
            True: solid_frame(SPEAKING_RGBA, width, height),
        }
        self.speaking = False
        self.frames_sent = 0
        self._task: asyncio.Task[None] | None = None

    def set_speaking(self, speaking: bool) -> None:
        self.speaking = speaking

    def current_frame(self) -> rtc.VideoFrame:
        return self._frames[self.speaking]

    def send_frame(self) -> None:
        self.source.capture_frame(self.current_frame())
        self.frames_sent += 1

    async def publish(self, participant: rtc.LocalParticipant) -> None:
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_CAMERA)
        await participant.publish_track(self.track, options)
        self.start()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            self.send_frame()
            await asyncio.sleep(self._interval)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
