"""The data-access layer's table helpers: botocore's errors become the domain's, old import paths load."""

from __future__ import annotations

import importlib

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from interview_common.dal.table import (
    from_attribute_values,
    in_condition,
    is_conditional_failure,
    meta_key,
    storage_errors,
    to_attribute_values,
)
from interview_common.errors import ServiceUnavailable, StorageUnavailable


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "refused"}}, "PutItem")


def test_a_refused_call_becomes_storage_unavailable_with_its_code() -> None:
    # Given a DynamoDB call that throttles after boto3's retries
    # When it runs inside storage_errors
    with pytest.raises(StorageUnavailable) as raised, storage_errors("saving a turn"):
        raise _client_error("ProvisionedThroughputExceededException")
    # Then the caller sees the domain's 503 error, naming what failed and DynamoDB's code
    assert isinstance(raised.value, ServiceUnavailable)
    assert raised.value.status_code == 503
    assert raised.value.message == "saving a turn failed"
    assert raised.value.aws_code == "ProvisionedThroughputExceededException"


def test_no_answer_at_all_is_storage_unavailable_unless_transport_errors_pass_through() -> None:
    unreachable = EndpointConnectionError(endpoint_url="https://dynamodb.invalid")
    # Given DynamoDB cannot be reached, When the block translates transport errors, Then it is the domain's
    with pytest.raises(StorageUnavailable) as raised, storage_errors("reading the job's profile version"):
        raise unreachable
    assert raised.value.aws_code is None
    # When the block lets them through, Then botocore's error reaches the caller unchanged
    with pytest.raises(EndpointConnectionError), storage_errors("recording the task", transport=False):
        raise unreachable


def test_errors_that_are_not_botocore_are_not_rewritten() -> None:
    with pytest.raises(ValueError), storage_errors("anything"):
        raise ValueError("a bug, not storage")


def test_conditional_failures_are_told_apart_from_other_refusals() -> None:
    assert is_conditional_failure(_client_error("ConditionalCheckFailedException"))
    assert is_conditional_failure(_client_error("TransactionCanceledException"))
    assert not is_conditional_failure(_client_error("ThrottlingException"))


def test_codecs_round_trip_and_keys_name_the_room_meta() -> None:
    item = {"state": "requested", "version": 3, "participants": {"a": {"present": True}}}
    assert from_attribute_values(to_attribute_values(item)) == item
    assert meta_key("room-1") == {"PK": {"S": "ROOM#room-1"}, "SK": {"S": "META"}}
    condition, values = in_condition("#state", ["failed", "requested"], "s")
    assert condition == "#state IN (:s0, :s1)"
    assert values == {":s0": {"S": "failed"}, ":s1": {"S": "requested"}}


@pytest.mark.parametrize(
    "name",
    [
        "participants",
        "interview_log",
        "context_store",
        "decision_log",
        "job_profiles",
        "candidate_records",
        "room_record",
        "job_interview_index",
    ],
)
def test_an_old_module_path_loads_the_same_module_as_its_dal_path(name: str) -> None:
    old = importlib.import_module(f"interview_common.{name}")
    assert old is importlib.import_module(f"interview_common.dal.{name}")


def test_the_old_store_module_exports_the_interview_repository() -> None:
    from interview_common.dal.interviews import InterviewRepository
    from interview_common.store import InterviewStore
    from interview_common.store import from_attribute_values as old_codec

    assert InterviewStore is InterviewRepository
    assert old_codec is from_attribute_values
