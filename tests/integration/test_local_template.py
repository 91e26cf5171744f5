"""The local stack reads template.yaml with a fast loader; it must read exactly what cfn-lint reads."""

from __future__ import annotations

import json

from local.template_resources import TEMPLATE_PATH, lambda_environment, load_template, resolve_value


def test_the_fast_loader_reads_the_template_as_cfn_lint_does() -> None:
    from cfnlint.decode import decode

    # Given template.yaml with its short-form intrinsic tags (!Ref, !GetAtt, !Sub, !Join, !If ...)
    reference, problems = decode(str(TEMPLATE_PATH))
    assert problems == []

    # Then the local loader gives the same document, tag for tag
    assert json.dumps(load_template(), sort_keys=True, default=str) == json.dumps(
        reference, sort_keys=True, default=str
    )


def test_template_values_resolve_to_local_values_or_parameter_defaults() -> None:
    # A Ref with a local value, a Ref to a parameter (its Default), a Join of a list parameter, a literal
    assert resolve_value({"Ref": "InterviewsTable"}, {"InterviewsTable": "local-table"}) == "local-table"
    assert resolve_value({"Ref": "OpenAIModel"}, {}) == "gpt-4o-mini"
    assert resolve_value({"Fn::Join": [",", {"Ref": "AllowedOrigins"}]}, {}) == "http://localhost:3000"
    assert resolve_value("live-interview", {}) == "live-interview"

    # And the functions' environment leaves out what has no local meaning (the secrets' ARNs)
    environment = lambda_environment({"InterviewsTable": "local-table", "LiveKitUrl": "ws://127.0.0.1:7880"})
    assert environment["TABLE_NAME"] == "local-table"
    assert environment["LIVEKIT_URL"] == "ws://127.0.0.1:7880"
    assert "LIVEKIT_SECRET_ARN" not in environment
