"""local/moto_transactions.py: moto's TransactWriteItems keeps its behaviour when only the touched items
are backed up (the local stack and the benches run moto that way)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local.moto_transactions import install
from tests.conftest import TABLE_NAME


def _item(pk: str, sk: str, **attributes: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}, **{k: {"S": v} for k, v in attributes.items()}}


def _scan() -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(TableName=TABLE_NAME)["Items"]
    return sorted(items, key=lambda item: (item["PK"]["S"], item["SK"]["S"]))


@pytest.fixture
def dynamodb(aws: None) -> Any:
    install()
    client = boto3.client("dynamodb")
    client.put_item(TableName=TABLE_NAME, Item=_item("ROOM#a", "META", state="waiting"))
    client.put_item(TableName=TABLE_NAME, Item=_item("ROOM#b", "META", state="untouched"))
    return client


def test_a_cancelled_transaction_leaves_every_item_as_it_was(dynamodb: Any) -> None:
    # Given two items, one of which the transaction would create and one it would change
    before = _scan()

    # When its last condition fails
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE_NAME, "Item": _item("ROOM#a", "EVENT#1", status="applied")}},
                {
                    "Update": {
                        "TableName": TABLE_NAME,
                        "Key": {"PK": {"S": "ROOM#a"}, "SK": {"S": "META"}},
                        "UpdateExpression": "SET #s = :s",
                        "ExpressionAttributeNames": {"#s": "state"},
                        "ExpressionAttributeValues": {":s": {"S": "in_progress"}},
                    }
                },
                {
                    "Put": {
                        "TableName": TABLE_NAME,
                        "Item": _item("ROOM#b", "META", state="overwritten"),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )

    # Then it is cancelled with moto's reasons, and the table is exactly as before
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    codes = [reason["Code"] for reason in refused.value.response["CancellationReasons"]]
    assert codes == ["None", "None", "ConditionalCheckFailed"]
    assert _scan() == before


def test_a_transaction_that_holds_writes_all_its_items(dynamodb: Any) -> None:
    # When every condition holds
    dynamodb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE_NAME, "Item": _item("ROOM#a", "EVENT#1", status="applied")}},
            {
                "Update": {
                    "TableName": TABLE_NAME,
                    "Key": {"PK": {"S": "ROOM#a"}, "SK": {"S": "META"}},
                    "UpdateExpression": "SET #s = :s",
                    "ConditionExpression": "#s = :old",
                    "ExpressionAttributeNames": {"#s": "state"},
                    "ExpressionAttributeValues": {":s": {"S": "in_progress"}, ":old": {"S": "waiting"}},
                }
            },
        ]
    )

    # Then both are written
    states = {(item["PK"]["S"], item["SK"]["S"]): item for item in _scan()}
    assert states[("ROOM#a", "META")]["state"] == {"S": "in_progress"}
    assert states[("ROOM#a", "EVENT#1")]["status"] == {"S": "applied"}
    assert states[("ROOM#b", "META")]["state"] == {"S": "untouched"}
