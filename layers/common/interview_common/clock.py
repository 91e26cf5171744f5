"""Time in one place, so every item carries the same timestamp format (ISO 8601 UTC, milliseconds)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

DAY_SECONDS = 86_400


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_from_epoch(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch_from_iso(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def expiry_epoch(days: int) -> int:
    return int(time.time()) + days * DAY_SECONDS
