"""Helpers every repository of the single table uses: attribute codecs, keys and condition checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from interview_common.errors import StorageUnavailable
from interview_common.models.items import META_SK, room_pk

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

CONDITIONAL_FAILURES = frozenset({"ConditionalCheckFailedException", "TransactionCanceledException"})


def to_attribute_values(item: dict[str, Any]) -> dict[str, Any]:
    """A plain item as DynamoDB's typed attribute values."""
    return {key: _serializer.serialize(value) for key, value in item.items()}


def from_attribute_values(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB's typed attribute values as a plain item."""
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


def to_attribute_value(value: Any) -> dict[str, Any]:
    """One value as a typed attribute value (for ExpressionAttributeValues)."""
    return dict(_serializer.serialize(value))


def error_code(error: ClientError) -> str | None:
    code = error.response.get("Error", {}).get("Code")
    return code if isinstance(code, str) else None


def is_conditional_failure(error: ClientError) -> bool:
    """True when DynamoDB refused a write for its condition (or cancelled the transaction holding it)."""
    return error_code(error) in CONDITIONAL_FAILURES


def meta_key(room_name: str) -> dict[str, Any]:
    """The key of a room's interview (META) item."""
    return {"PK": {"S": room_pk(room_name)}, "SK": {"S": META_SK}}


def in_condition(attribute_placeholder: str, values: list[str], prefix: str) -> tuple[str, dict[str, Any]]:
    """`#attr IN (:p0, :p1, ...)` over string values, with its ExpressionAttributeValues."""
    placeholders = {f":{prefix}{index}": {"S": value} for index, value in enumerate(values)}
    return f"{attribute_placeholder} IN ({', '.join(placeholders)})", placeholders


@contextmanager
def storage_errors(action: str, *, transport: bool = True) -> Iterator[None]:
    """Botocore's errors inside the block as the domain's StorageUnavailable (`action` says what failed).
    `transport=False` lets a BotoCoreError (no answer from DynamoDB at all) through unchanged."""
    try:
        yield
    except ClientError as error:
        raise StorageUnavailable(f"{action} failed", aws_code=error_code(error)) from error
    except BotoCoreError as error:
        if not transport:
            raise
        raise StorageUnavailable(f"{action} failed") from error
