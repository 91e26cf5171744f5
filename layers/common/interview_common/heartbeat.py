"""The agent's heartbeat: how often it beats, and when the control plane takes it for gone.

One home for both sides: the agent writes `last_heartbeat_at` on META every HEARTBEAT_INTERVAL seconds
(interviewer.config), and the status and end-interview routes call it stale once MISSED_BEATS beats in a
row did not arrive. Each beat is one DynamoDB write: at 10 s a 30-minute interview writes 180 of them.
"""

from __future__ import annotations

from interview_common.clock import epoch_from_iso

DEFAULT_INTERVAL_SECONDS = 10.0
MISSED_BEATS = 3


def stale_after_seconds(interval_seconds: float) -> float:
    """How old the last beat may be before the agent is taken for gone."""
    return interval_seconds * MISSED_BEATS


def is_fresh(last_heartbeat_at: str | None, now_epoch: float, stale_after: float) -> bool:
    """Whether a beat arrived within `stale_after` seconds (never beat: not fresh)."""
    if last_heartbeat_at is None:
        return False
    return now_epoch - epoch_from_iso(last_heartbeat_at) <= stale_after
