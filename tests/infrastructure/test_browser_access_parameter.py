"""The BrowserAccess parameter: off by default, given to every function, on in the local stack; and the
routes that opt into it are exactly the candidate's own room's routes."""

from __future__ import annotations

import re
from pathlib import Path

from local.template_resources import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template()
# The routes a candidate's page calls (docs/frontend.md): status, token refresh, details, joined notice.
BROWSER_FUNCTIONS = {
    "agent_status",
    "interview_status",
    "issue_token",
    "candidate_details",
    "candidate_joined",
}


def test_browser_access_is_a_parameter_off_by_default() -> None:
    parameter = TEMPLATE["Parameters"]["BrowserAccess"]
    assert parameter["Default"] == "false"
    assert sorted(parameter["AllowedValues"]) == ["false", "true"]


def test_every_function_gets_the_parameter_as_browser_access() -> None:
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["BROWSER_ACCESS"] == {"Ref": "BrowserAccess"}


def test_the_cors_configuration_lets_browsers_send_the_authorization_header() -> None:
    cors = TEMPLATE["Resources"]["InterviewApi"]["Properties"]["CorsConfiguration"]
    assert "Authorization" in cors["AllowHeaders"]


def test_only_the_candidates_own_room_routes_accept_browser_tokens() -> None:
    opted_in = {
        app.parent.name
        for app in (ROOT / "functions").glob("*/app.py")
        if re.search(r"build_resolver\([^)]*browser_access=True", app.read_text())
    }
    assert opted_in == BROWSER_FUNCTIONS


def test_the_local_stack_turns_browser_access_on() -> None:
    # make dev serves the seed's pages, which call these routes from the browser
    assert '"BROWSER_ACCESS": "true"' in (ROOT / "local" / "stack.py").read_text()


def test_every_function_and_the_agent_get_the_same_per_stack_key_for_log_pseudonyms() -> None:
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["LOG_PSEUDONYM_KEY"] == {"Ref": "AWS::StackId"}
    agent = TEMPLATE["Resources"]["AgentTaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    assert {"Name": "LOG_PSEUDONYM_KEY", "Value": {"Ref": "AWS::StackId"}} in agent["Environment"]
