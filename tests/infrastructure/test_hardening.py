"""template.yaml's production hardening: log retention, alarms, reserved concurrency, justified checkov skips.

checkov itself runs in `make iac`; these tests pin what its checks do not: that every function is covered.
"""

from __future__ import annotations

from typing import Any

import pytest

from local.template_resources import load_template


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return dict(load_template()["Resources"])


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: resource for name, resource in resources.items() if resource["Type"] == kind}


def test_every_function_has_a_log_group_with_the_retention_parameter(resources: dict[str, Any]) -> None:
    functions = of_type(resources, "AWS::Serverless::Function")
    groups = of_type(resources, "AWS::Logs::LogGroup").values()
    named = {str(group["Properties"].get("LogGroupName", {}).get("Fn::Sub", "")): group for group in groups}
    for name in functions:
        group = named.get(f"/aws/lambda/${{{name}}}")
        assert group is not None, f"{name} has no log group"
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_every_log_group_expires(resources: dict[str, Any]) -> None:
    for name, group in of_type(resources, "AWS::Logs::LogGroup").items():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name


def test_lambda_error_alarms_cover_every_function(resources: dict[str, Any]) -> None:
    alarmed = set()
    for alarm in of_type(resources, "AWS::CloudWatch::Alarm").values():
        for query in alarm["Properties"].get("Metrics", []):
            metric = query.get("MetricStat", {}).get("Metric", {})
            if metric.get("MetricName") == "Errors" and metric.get("Namespace") == "AWS/Lambda":
                alarmed.add(metric["Dimensions"][0]["Value"]["Ref"])
    assert alarmed == set(of_type(resources, "AWS::Serverless::Function"))


@pytest.mark.parametrize(
    ("namespace", "metric"), [("AWS/ApiGateway", "5xx"), ("LiveInterview", "AgentLaunchFailed")]
)
def test_there_is_an_alarm_on(resources: dict[str, Any], namespace: str, metric: str) -> None:
    alarms = [
        alarm["Properties"]
        for alarm in of_type(resources, "AWS::CloudWatch::Alarm").values()
        if (alarm["Properties"].get("Namespace"), alarm["Properties"].get("MetricName"))
        == (namespace, metric)
    ]
    assert len(alarms) == 1
    # Notifies the optional SNS topic when one is given
    assert alarms[0]["AlarmActions"]["Fn::If"][0] == "HasAlarmTopic"


def test_the_launch_failure_alarm_reads_the_metric_start_interview_emits(resources: dict[str, Any]) -> None:
    from pathlib import Path

    source = (
        Path(__file__).resolve().parents[2] / "layers/common/interview_common/logic/start_interview.py"
    ).read_text()
    assert 'name="AgentLaunchFailed"' in source
    (alarm,) = [
        a["Properties"]
        for a in of_type(resources, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == "AgentLaunchFailed"
    ]
    globals_env = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert alarm["Namespace"] == globals_env["POWERTOOLS_METRICS_NAMESPACE"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": globals_env["POWERTOOLS_SERVICE_NAME"]}]


@pytest.mark.parametrize("function", ["StartInterviewFunction", "LiveKitWebhookFunction"])
def test_the_table_writers_exposed_to_bursts_have_reserved_concurrency(
    resources: dict[str, Any], function: str
) -> None:
    assert "ReservedConcurrentExecutions" in resources[function]["Properties"]


def test_the_api_is_throttled_and_access_logged(resources: dict[str, Any]) -> None:
    api = resources["InterviewApi"]["Properties"]
    parameters = load_template()["Parameters"]
    for limit, parameter in (
        ("ThrottlingRateLimit", "ApiThrottlingRateLimit"),
        ("ThrottlingBurstLimit", "ApiThrottlingBurstLimit"),
    ):
        assert api["DefaultRouteSettings"][limit] == {"Ref": parameter}
        assert int(parameters[parameter]["Default"]) > 0
    assert api["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert "authorization" not in api["AccessLogSettings"]["Format"].lower()


def test_every_checkov_skip_says_why(resources: dict[str, Any]) -> None:
    skips = [
        (name, skip)
        for name, resource in resources.items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips  # the scan below looks at real skips
    for name, skip in skips:
        assert skip["id"].startswith("CKV_"), name
        assert len(skip.get("comment", "")) > 30, f"{name} skips {skip['id']} without a reason"
