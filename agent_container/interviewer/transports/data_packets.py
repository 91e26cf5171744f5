"""Data messages as LiveKit can carry them: a reliable data packet holds at most 15 KiB.

`packets(message)` is the JSON of the message in one packet when it fits. A message with a long `text`
(a transcript line, a caption) is split into consecutive messages of the same type, each with a piece of
the text and `part`/`parts` (1-based), so a frontend that ignores those fields shows the pieces in order.
A candidate's transcript line is first capped at CANDIDATE_TEXT_LIMIT characters (the record keeps it
whole). A message that cannot be split and does not fit raises MessageTooLarge.
"""

from __future__ import annotations

import json
from typing import Any

# LiveKit's limit for a reliable data packet is 15 KiB; leave room for the packet's own framing (topic,
# identities, sequence numbers).
MAX_PACKET_BYTES = 14 * 1024
CANDIDATE_TEXT_LIMIT = 4000
ELLIPSIS = "…"


class MessageTooLarge(ValueError):
    """The message does not fit in a reliable data packet and has no text to split."""


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()


def packets(message: dict[str, Any], *, limit: int = MAX_PACKET_BYTES) -> list[bytes]:
    message = _capped(message)
    whole = encode(message)
    if len(whole) <= limit:
        return [whole]
    text = message.get("text")
    if not isinstance(text, str) or not text:
        raise MessageTooLarge(
            f"a {message.get('type', 'data')} message of {len(whole)} bytes (limit {limit})"
        )
    # Room for the text in each piece: the message without its text, with the largest part numbers.
    overhead = len(encode({**message, "text": "", "part": 10**6, "parts": 10**6}))
    if overhead >= limit:
        raise MessageTooLarge(
            f"a {message.get('type', 'data')} message whose fields alone exceed {limit} bytes"
        )
    pieces = _split(text, limit - overhead)
    return [
        encode({**message, "text": piece, "part": index, "parts": len(pieces)})
        for index, piece in enumerate(pieces, start=1)
    ]


def _capped(message: dict[str, Any]) -> dict[str, Any]:
    text = message.get("text")
    if (
        message.get("type") == "transcript"
        and message.get("speaker") == "candidate"
        and isinstance(text, str)
        and len(text) > CANDIDATE_TEXT_LIMIT
    ):
        return {**message, "text": text[: CANDIDATE_TEXT_LIMIT - 1].rstrip() + ELLIPSIS}
    return message


def _split(text: str, budget: int) -> list[str]:
    """Consecutive pieces of `text`, each at most `budget` bytes as JSON, cut at spaces where possible."""
    pieces: list[str] = []
    rest = text
    while rest:
        piece = _longest_prefix(rest, budget)
        space = piece.rfind(" ")
        if len(piece) < len(rest) and space > len(piece) // 2:
            piece = piece[: space + 1]
        pieces.append(piece)
        rest = rest[len(piece) :]
    return pieces


def _longest_prefix(text: str, budget: int) -> str:
    def size(value: str) -> int:
        return len(json.dumps(value, ensure_ascii=False).encode()) - 2

    if size(text) <= budget:
        return text
    low, high = 1, len(text)
    while low < high:  # the longest prefix whose JSON fits
        middle = (low + high + 1) // 2
        if size(text[:middle]) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low]
