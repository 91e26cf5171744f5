"""Reads resources from template.yaml (with its intrinsic-function tags) so tests and the local stack
build the table from the template's own definition, never from a copy."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "template.yaml"


@lru_cache(maxsize=1)
def load_template() -> dict[str, Any]:
    from cfnlint.decode import decode

    template, matches = decode(str(TEMPLATE_PATH))
    if matches or template is None:
        raise ValueError(f"template.yaml does not parse: {matches}")
    return dict(template)


def table_definition() -> dict[str, Any]:
    """CreateTable arguments for the InterviewsTable resource (TTL and PITR are separate calls)."""
    properties = load_template()["Resources"]["InterviewsTable"]["Properties"]
    return {
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "GlobalSecondaryIndexes": properties.get("GlobalSecondaryIndexes", []),
        "BillingMode": properties["BillingMode"],
    }


def ttl_attribute() -> str:
    return str(load_template()["Resources"]["InterviewsTable"]["Properties"]["TimeToLiveSpecification"]["AttributeName"])


def create_table(dynamodb: Any, table_name: str) -> None:
    dynamodb.create_table(TableName=table_name, **table_definition())
    dynamodb.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"AttributeName": ttl_attribute(), "Enabled": True}
    )
