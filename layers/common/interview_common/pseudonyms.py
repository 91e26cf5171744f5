"""Pseudonyms for logs: a candidate id that is an email never reaches a log line.

Real candidate ids are often emails (`ada+jobs@example.com`). Logs go to CloudWatch, are kept for weeks
and read by operators who have no need for a candidate's address, so every email in a log record (its
message, its keys, an exception's text) is replaced by a stable pseudonym: `anon-` and 16 hex digits of
HMAC-SHA256 under the deployment's key (LOG_PSEUDONYM_KEY; the template passes the stack's id). The same
email gives the same pseudonym in every function and every line, so one candidate's lines can still be
followed; the key is not in the logs, so the pseudonym cannot be recomputed from them alone. Ids that
are not emails (UUIDs, ATS keys) carry no personal data and are logged as they are.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.logging.types import LogRecord

PSEUDONYM_PREFIX = "anon-"
# An address as it appears inside any text: a local part (letters, digits and the specials real
# addresses use, `+` tags included), @, a domain with at least one dot.
EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9.!#$%&'*+=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@lru_cache(maxsize=1)
def _key() -> bytes:
    # Without a configured key (local runs, tests) the table name keeps pseudonyms stable per stack.
    configured = os.environ.get("LOG_PSEUDONYM_KEY") or "live-interview:" + os.environ.get("TABLE_NAME", "")
    return configured.encode()


def pseudonym(value: str) -> str:
    """The stable pseudonym of one value."""
    digest = hmac.new(_key(), value.strip().lower().encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:16]


def log_key(candidate_id: str) -> str:
    """What a log line may say for a candidate id: the id, or its pseudonym when it is an email."""
    return pseudonym(candidate_id) if "@" in candidate_id else candidate_id


CANDIDATE_PREFIX = "candidate-"


def _replace(found: re.Match[str]) -> str:
    # An identity (`candidate-<email>`) keeps its prefix, so it names the same pseudonym as the id.
    text = found.group(0)
    if text.startswith(CANDIDATE_PREFIX):
        return CANDIDATE_PREFIX + pseudonym(text.removeprefix(CANDIDATE_PREFIX))
    return pseudonym(text)


def scrub_text(text: str) -> str:
    if "@" not in text:  # the common case, without a regex
        return text
    return EMAIL_IN_TEXT.sub(_replace, text)


def scrub(value: Any) -> Any:
    """The value with every email inside it (strings, dict keys and values, lists) pseudonymised."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {scrub(key): scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(item) for item in value)
    if isinstance(value, BaseException):  # Powertools' stack_trace holds the exception itself
        return scrub_text(str(value))
    return value


class PseudonymisingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON log format, with every email in the record replaced by its pseudonym."""

    def serialize(self, log: LogRecord) -> str:
        return super().serialize(scrub(dict(log)))
