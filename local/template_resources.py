"""Reads resources from template.yaml (with its intrinsic-function tags) so tests and the local stack
build the table from the template's own definition, never from a copy."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "template.yaml"


@lru_cache(maxsize=1)
def load_template() -> dict[str, Any]:
    """template.yaml with its short-form tags in their long form (`!Ref X` -> {"Ref": "X"}), as
    cfn-lint's decoder gives them, read with PyYAML's C loader (cfn-lint's decoder takes seconds)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class TemplateLoader(loader):  # type: ignore[misc,valid-type]
        pass

    def intrinsic(load: Any, tag_suffix: str, node: Any) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = load.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = load.construct_sequence(node, deep=True)
        else:
            value = load.construct_mapping(node, deep=True)
        if tag_suffix == "Ref":
            return {"Ref": value}
        if tag_suffix == "Condition":
            return {"Condition": value}
        if tag_suffix == "GetAtt" and isinstance(value, str):
            resource, _, attribute = value.partition(".")
            return {"Fn::GetAtt": [resource, attribute]}
        return {f"Fn::{tag_suffix}": value}

    TemplateLoader.add_multi_constructor("!", intrinsic)
    template = yaml.load(TEMPLATE_PATH.read_text(encoding="utf-8"), Loader=TemplateLoader)  # noqa: S506 - safe loader
    if not isinstance(template, dict) or "Resources" not in template:
        raise ValueError("template.yaml does not parse as a CloudFormation template")
    return template


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
    return str(
        load_template()["Resources"]["InterviewsTable"]["Properties"]["TimeToLiveSpecification"][
            "AttributeName"
        ]
    )


def create_table(dynamodb: Any, table_name: str) -> None:
    dynamodb.create_table(TableName=table_name, **table_definition())
    dynamodb.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"AttributeName": ttl_attribute(), "Enabled": True}
    )


class UnresolvedValue(ValueError):
    """A template value with no local meaning (e.g. the ARN of a secret the local stack does not use)."""


# CloudFormation's pseudo parameters the template refers to, as the local stack has them.
LOCAL_PSEUDO_PARAMETERS = {
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:000000000000:stack/live-interview-local/local",
}


def resolve_value(value: Any, refs: dict[str, str]) -> str:
    """A template value as a string: literals, `!Ref` (local value or the parameter's Default), `!Join`."""
    if isinstance(value, str | int | float | bool):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, dict) and "Ref" in value:
        target = str(value["Ref"])
        if target in refs:
            return refs[target]
        if target in LOCAL_PSEUDO_PARAMETERS:
            return LOCAL_PSEUDO_PARAMETERS[target]
        parameter = load_template().get("Parameters", {}).get(target, {})
        if "Default" in parameter:
            return str(parameter["Default"])
        raise UnresolvedValue(f"!Ref {target} has no local value")
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        if isinstance(parts, dict):  # !Join [",", !Ref SomeList]: the list parameter's value as it is
            return resolve_value(parts, refs).replace(",", str(separator))
        return str(separator).join(resolve_value(part, refs) for part in parts)
    raise UnresolvedValue(f"{value!r} has no local value")


def lambda_environment(refs: dict[str, str]) -> dict[str, str]:
    """The environment every function gets from the template's Globals, with local values.

    Values with no local meaning (the ARNs of secrets, which the local stack replaces with plain
    environment variables) are left out.
    """
    variables = (
        load_template().get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    )
    environment = {}
    for name, value in variables.items():
        try:
            environment[str(name)] = resolve_value(value, refs)
        except UnresolvedValue:
            continue
    return environment
