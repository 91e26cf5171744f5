"""template.yaml: SnapStart where a cold start imports livekit.api on its first request, and nowhere else;
the functions that use it prepare their snapshot (interview_common.snapstart)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from local.template_resources import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template()
FUNCTIONS: dict[str, Any] = {
    name: resource
    for name, resource in TEMPLATE["Resources"].items()
    if resource["Type"] == "AWS::Serverless::Function"
}
SNAPSTART_FUNCTIONS = {"StartInterviewFunction", "LiveKitWebhookFunction"}


def test_snapstart_is_a_parameter_on_by_default() -> None:
    parameter = TEMPLATE["Parameters"]["SnapStart"]
    assert (parameter["Default"], parameter["AllowedValues"]) == ("true", ["true", "false"])
    assert TEMPLATE["Conditions"]["UseSnapStart"] == {"Fn::Equals": [{"Ref": "SnapStart"}, "true"]}


def test_the_functions_that_import_livekit_on_their_first_request_resume_a_published_snapshot() -> None:
    with_snapstart = {name for name, function in FUNCTIONS.items() if "SnapStart" in function["Properties"]}
    assert with_snapstart == SNAPSTART_FUNCTIONS
    for name in SNAPSTART_FUNCTIONS:
        properties = FUNCTIONS[name]["Properties"]
        # SnapStart applies to published versions only: the API must invoke an alias of one
        assert properties["AutoPublishAlias"] == "live"
        assert properties["SnapStart"] == {
            "Fn::If": ["UseSnapStart", {"ApplyOn": "PublishedVersions"}, {"Ref": "AWS::NoValue"}]
        }


def test_each_snapstart_function_prepares_its_snapshot() -> None:
    for name in SNAPSTART_FUNCTIONS:
        code = ROOT / FUNCTIONS[name]["Properties"]["CodeUri"] / "app.py"
        assert "snapstart.prepare(" in code.read_text(), code
