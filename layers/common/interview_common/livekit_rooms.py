"""LiveKit server calls and tokens, through livekit-api.

livekit-api (protobuf + aiohttp) costs ~0.5 s to import, so it is imported on first use: routes that
never talk to LiveKit (agent-status, the webhook's state updates) never pay for it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from interview_common.credentials import LiveKitKeyPair
from interview_common.errors import ServiceUnavailable

LIVEKIT_TIMEOUT_SECONDS = 5.0


def http_url(livekit_url: str) -> str:
    """The server API speaks HTTP on the same host as the ws:// URL clients connect to."""
    if livekit_url.startswith("wss://"):
        return "https://" + livekit_url.removeprefix("wss://")
    if livekit_url.startswith("ws://"):
        return "http://" + livekit_url.removeprefix("ws://")
    return livekit_url


def _run[T](
    call: Callable[[Any], Awaitable[T]],
    livekit_url: str,
    keys: LiveKitKeyPair,
    timeout: float = LIVEKIT_TIMEOUT_SECONDS,
) -> T:
    from aiohttp import ClientError, ClientTimeout
    from livekit import api

    async def main() -> T:
        async with api.LiveKitAPI(
            http_url(livekit_url),
            keys.api_key,
            keys.api_secret,
            timeout=ClientTimeout(total=timeout),
        ) as lkapi:
            # livekit-api 1.2.2 passes timeout=None to each request, which switches the session's timeout
            # off: a server that accepts and never answers would hold the Lambda to its own timeout.
            async with asyncio.timeout(timeout):
                return await call(lkapi)

    try:
        return asyncio.run(main())
    except api.TwirpError as error:
        raise ServiceUnavailable(f"LiveKit refused the request ({error.code})") from error
    except (TimeoutError, OSError, ClientError) as error:
        raise ServiceUnavailable("LiveKit did not answer in time, retry shortly") from error


def create_room(
    livekit_url: str,
    keys: LiveKitKeyPair,
    room_name: str,
    *,
    empty_timeout: int,
    departure_timeout: int,
    metadata: dict[str, Any],
    timeout: float = LIVEKIT_TIMEOUT_SECONDS,
) -> None:
    """Create (or adopt) the room, so its timeouts and metadata are ours even if the candidate came first."""
    from livekit import api

    async def call(lkapi: Any) -> None:
        await lkapi.room.create_room(
            api.CreateRoomRequest(
                name=room_name,
                empty_timeout=empty_timeout,
                departure_timeout=departure_timeout,
                max_participants=10,
                metadata=json.dumps(metadata, separators=(",", ":")),
            )
        )

    _run(call, livekit_url, keys, timeout)


def delete_room(
    livekit_url: str, keys: LiveKitKeyPair, room_name: str, *, timeout: float = LIVEKIT_TIMEOUT_SECONDS
) -> bool:
    """Delete the room; False when LiveKit no longer knows it (already gone is the outcome we want)."""
    from livekit import api

    async def call(lkapi: Any) -> bool:
        try:
            await lkapi.room.delete_room(api.DeleteRoomRequest(room=room_name))
        except api.TwirpError as error:
            if error.code == "not_found":
                return False
            raise
        return True

    return _run(call, livekit_url, keys, timeout)


def send_data(
    livekit_url: str,
    keys: LiveKitKeyPair,
    room_name: str,
    payload: dict[str, Any],
    *,
    topic: str,
    destination_identities: list[str],
    timeout: float = LIVEKIT_TIMEOUT_SECONDS,
) -> None:
    from livekit import api

    async def call(lkapi: Any) -> None:
        await lkapi.room.send_data(
            api.SendDataRequest(
                room=room_name,
                data=json.dumps(payload).encode(),
                kind=api.DataPacket.Kind.RELIABLE,
                topic=topic,
                destination_identities=destination_identities,
            )
        )

    _run(call, livekit_url, keys, timeout)


def participant_token(
    keys: LiveKitKeyPair,
    *,
    room_name: str,
    identity: str,
    name: str | None = None,
    metadata: str | None = None,
    ttl: timedelta,
    is_agent: bool = False,
) -> str:
    """A short-lived token that can join this one room and nothing else."""
    from livekit import api

    grants = api.VideoGrants(
        room_join=True,
        room=room_name,
        can_publish=True,
        can_subscribe=True,
        can_publish_data=True,
        can_update_own_metadata=True,
        agent=is_agent,
    )
    token = (
        api.AccessToken(keys.api_key, keys.api_secret)
        .with_identity(identity)
        .with_ttl(ttl)
        .with_grants(grants)
    )
    if name:
        token = token.with_name(name)
    if metadata:
        token = token.with_metadata(metadata)
    if is_agent:
        token = token.with_kind("agent")
    return token.to_jwt()
