"""The LiveKit room's timeouts and the agent's rejoin grace, in one place (the Lambdas and the agent import
these defaults, so they cannot drift apart).

LiveKit closes a room once its last ordinary participant has been gone for `departure_timeout` seconds:
agent-kind participants (the interviewer) do not keep a room open. When the candidate leaves, the agent
waits REJOIN_GRACE_SECONDS for them; the room must outlive that wait, with a margin for a rejoin at the
last second and for webhook latency, or LiveKit's `room_finished` would race the agent's own ending (and a
late rejoin would land in a new, empty room). A room nobody joined closes after `empty_timeout`.
"""

from __future__ import annotations

REJOIN_GRACE_SECONDS = 120
DEPARTURE_MARGIN_SECONDS = 60
ROOM_DEPARTURE_TIMEOUT_SECONDS = REJOIN_GRACE_SECONDS + DEPARTURE_MARGIN_SECONDS
ROOM_EMPTY_TIMEOUT_SECONDS = 600


def departure_timeout_covers(departure_timeout: float, rejoin_grace: float) -> bool:
    """Whether a room with this departure timeout outlives the agent's rejoin grace by the margin."""
    return departure_timeout >= rejoin_grace + DEPARTURE_MARGIN_SECONDS
