"""template.yaml as deployed: read with cfn-lint's decoder (intrinsic tags kept), checked against the design.

`sam validate --lint` and cfn-lint check that the template is valid CloudFormation; these tests check that
it is the template we mean: runtime and layer, table, least-privilege IAM, secrets, the agent's task
definition, outputs, and that every HTTP route reaches a handler that declares it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from local.template_resources import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
GLOBALS: dict[str, Any] = TEMPLATE.get("Globals", {}).get("Function", {})
FUNCTIONS = {name: r for name, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::Function"}

# DESIGN.md's HTTP contract: every route the frontend (and LiveKit) may call.
CONTRACT_ROUTES = {
    ("POST", "/start-interview"),
    ("GET", "/agent-status"),
    ("GET", "/agent-status/{roomName}"),
    ("GET", "/interview-status/{candidateId}"),
    ("POST", "/end-interview"),
    ("POST", "/token"),
    ("POST", "/livekit/webhook"),
    ("GET", "/interviews/{roomName}"),
    ("GET", "/interviews/{roomName}/report.html"),
    # The seed's other calls (docs/DESIGN.md "Deviations and additions").
    ("GET", "/health"),
    ("POST", "/agent/join"),
    ("POST", "/agent/candidate-details"),
    ("POST", "/api/candidate-joined"),
    # A person decides; a candidate's data can be erased (issue 7).
    ("POST", "/interviews/{roomName}/decision"),
    ("DELETE", "/candidates/{candidateId}"),
    # The hiring team's side: job profiles, a job's interviews, the review page (issue 16).
    ("PUT", "/jobs/{jobId}/profile"),
    ("GET", "/jobs/{jobId}/profile"),
    ("DELETE", "/jobs/{jobId}/profile"),
    ("GET", "/jobs/{jobId}/profile/versions"),
    ("POST", "/jobs/{jobId}/profile/draft"),
    ("GET", "/jobs/{jobId}/interviews"),
    ("GET", "/review"),
    ("GET", "/review/{asset}"),
}
# The routes of the control plane (issue 3); the others arrive with the agent, webhooks and reports.
REQUIRED_ROUTES = {
    ("POST", "/start-interview"),
    ("GET", "/agent-status"),
    ("GET", "/agent-status/{roomName}"),
    ("GET", "/interview-status/{candidateId}"),
    ("POST", "/token"),
}
# Least privilege: exactly the actions each control-plane function's code performs.
EXPECTED_ACTIONS = {
    "StartInterviewFunction": {
        "dynamodb:PutItem",
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "ecs:RunTask",
        "ecs:TagResource",
        "iam:PassRole",
        "secretsmanager:GetSecretValue",
    },
    "AgentStatusFunction": {"dynamodb:GetItem", "dynamodb:Query", "secretsmanager:GetSecretValue"},
    "InterviewStatusFunction": {"dynamodb:Query", "secretsmanager:GetSecretValue"},
    "IssueTokenFunction": {"dynamodb:GetItem", "secretsmanager:GetSecretValue"},
    "EndInterviewFunction": {
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
        "ecs:StopTask",
        "secretsmanager:GetSecretValue",
    },
    "CandidateDetailsFunction": {"dynamodb:GetItem", "dynamodb:UpdateItem", "secretsmanager:GetSecretValue"},
    "CandidateJoinedFunction": {"dynamodb:GetItem", "secretsmanager:GetSecretValue"},
    "HealthFunction": set(),
    "InterviewDecisionFunction": {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "secretsmanager:GetSecretValue",
    },
    "DeleteCandidateFunction": {"dynamodb:Query", "dynamodb:BatchWriteItem", "secretsmanager:GetSecretValue"},
    "JobProfileFunction": {
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "secretsmanager:GetSecretValue",
    },
    "JobProfileDraftFunction": {"secretsmanager:GetSecretValue"},
    "JobInterviewsFunction": {"dynamodb:Query", "dynamodb:BatchGetItem", "secretsmanager:GetSecretValue"},
    "ReviewPageFunction": set(),
}
NEVER_GRANTED = {
    "dynamodb:Scan",
    "dynamodb:DeleteTable",
    "dynamodb:DeleteItem",
    "iam:*",
    "secretsmanager:PutSecretValue",
}


def prop(function: dict[str, Any], name: str) -> Any:
    """A function's property, falling back to the Globals section as SAM does."""
    return function["Properties"].get(name, GLOBALS.get(name))


def http_routes(function: dict[str, Any]) -> set[tuple[str, str]]:
    events = function["Properties"].get("Events", {}) or {}
    return {
        (str(e["Properties"]["Method"]).upper(), str(e["Properties"]["Path"]))
        for e in events.values()
        if e["Type"] == "HttpApi"
    }


def statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for policy in function["Properties"].get("Policies", []) or []:
        assert isinstance(policy, dict), "only inline statements: no managed policies"
        assert "Statement" in policy
        found.extend(policy["Statement"])
    return found


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def handler_routes(function_dir: Path) -> set[tuple[str, str]]:
    """The routes app.py declares with `@app.get("/path/<param>")`, in the template's `{param}` form."""
    tree = ast.parse((function_dir / "app.py").read_text())
    routes = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr in {"get", "post", "put", "delete", "patch"}
                    and decorator.args
                    and isinstance(decorator.args[0], ast.Constant)
                ):
                    path = re.sub(r"<(\w+)>", r"{\1}", str(decorator.args[0].value))
                    routes.add((decorator.func.attr.upper(), path))
    return routes


def defines_lambda_handler(function_dir: Path) -> bool:
    tree = ast.parse((function_dir / "app.py").read_text())
    return any(isinstance(node, ast.FunctionDef) and node.name == "lambda_handler" for node in tree.body)


# ------------------------------------------------------------------------------------------- functions


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_runs_python312_on_arm64_with_the_common_layer(name: str) -> None:
    function = FUNCTIONS[name]
    assert prop(function, "Runtime") == "python3.12"
    assert prop(function, "Architectures") == ["arm64"]
    assert prop(function, "Handler") == "app.lambda_handler"
    assert {"Ref": "CommonLayer"} in prop(function, "Layers")
    assert prop(function, "Tracing") == "Active"


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_folder_has_app_py_with_lambda_handler(name: str) -> None:
    folder = ROOT / str(FUNCTIONS[name]["Properties"]["CodeUri"])
    assert folder.parent == ROOT / "functions"
    assert (folder / "app.py").is_file()
    assert defines_lambda_handler(folder)


@pytest.mark.parametrize("name", sorted(n for n, f in FUNCTIONS.items() if http_routes(f)))
def test_an_http_function_answers_within_api_gateways_30_seconds(name: str) -> None:
    assert int(prop(FUNCTIONS[name], "Timeout")) <= 29


def test_powertools_is_configured_for_every_function() -> None:
    variables = GLOBALS["Environment"]["Variables"]
    assert variables["POWERTOOLS_SERVICE_NAME"] == "live-interview"
    assert variables["POWERTOOLS_LOG_LEVEL"] == {"Ref": "LogLevel"}
    assert variables["TABLE_NAME"] == {"Ref": "InterviewsTable"}
    # Secrets reach functions by ARN only, never as values
    assert variables["LIVEKIT_SECRET_ARN"] == {"Ref": "LiveKitCredentialsSecret"}
    assert variables["BACKEND_API_KEY_SECRET_ARN"] == {"Ref": "BackendApiKeySecret"}
    # The plain-value variables exist only for `sam local invoke --env-vars`: always empty in AWS
    for key in ("LIVEKIT_API_SECRET", "BACKEND_API_KEY", "LIVEKIT_API_KEY", "AWS_ENDPOINT_URL"):
        assert variables.get(key, "") == ""
    assert "OPENAI_API_KEY" not in variables
    for function in FUNCTIONS.values():
        own = (function["Properties"].get("Environment") or {}).get("Variables", {})
        for key in ("LIVEKIT_API_SECRET", "BACKEND_API_KEY", "OPENAI_API_KEY", "LIVEKIT_API_KEY"):
            assert key not in own


# ------------------------------------------------------------------------------------------- routes


def all_routes() -> dict[tuple[str, str], str]:
    routes: dict[tuple[str, str], str] = {}
    for name, function in FUNCTIONS.items():
        for route in http_routes(function):
            assert route not in routes, f"{route} is served by both {routes[route]} and {name}"
            routes[route] = name
    return routes


def test_the_control_plane_routes_exist() -> None:
    assert set(all_routes()) >= REQUIRED_ROUTES


def test_every_route_is_one_of_the_contract() -> None:
    assert set(all_routes()) <= CONTRACT_ROUTES


@pytest.mark.parametrize("route", sorted(all_routes()), ids=lambda r: " ".join(r))
def test_every_route_reaches_a_handler_that_declares_it(route: tuple[str, str]) -> None:
    function = FUNCTIONS[all_routes()[route]]
    folder = ROOT / str(function["Properties"]["CodeUri"])
    assert route in handler_routes(folder), f"{folder.name}/app.py does not declare {route}"


def test_every_route_is_on_the_one_http_api() -> None:
    for function in FUNCTIONS.values():
        for event in (function["Properties"].get("Events") or {}).values():
            if event["Type"] == "HttpApi":
                assert event["Properties"]["ApiId"] == {"Ref": "InterviewApi"}


def test_the_http_api_uses_the_default_stage_and_cors_from_a_parameter() -> None:
    api = RESOURCES["InterviewApi"]["Properties"]
    # A named stage would prefix every path, and the resolver (strip_prefixes=None) would answer 404
    assert api.get("StageName", "$default") == "$default"
    cors = api["CorsConfiguration"]
    assert cors["AllowOrigins"] == {"Ref": "AllowedOrigins"}
    assert {"Authorization", "Content-Type"} <= set(cors["AllowHeaders"])
    assert TEMPLATE["Parameters"]["AllowedOrigins"]["Default"] == "http://localhost:3000"
    assert TEMPLATE["Parameters"]["AllowAnonymousStatus"]["Default"] == "false"


# ------------------------------------------------------------------------------------------- IAM


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_no_function_gets_wildcard_actions_or_resources(name: str) -> None:
    for statement in statements(FUNCTIONS[name]):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            assert "*" not in action, f"{name} is granted {action}"
            assert action not in NEVER_GRANTED
        for resource in as_list(statement["Resource"]):
            assert resource != "*", f"{name} has Resource '*' for {statement['Action']}"


@pytest.mark.parametrize("name", sorted(EXPECTED_ACTIONS))
def test_control_plane_functions_get_exactly_the_actions_their_code_uses(name: str) -> None:
    granted = {action for s in statements(FUNCTIONS[name]) for action in as_list(s["Action"])}
    assert granted == EXPECTED_ACTIONS[name]


def test_table_access_is_scoped_to_the_table_or_its_index() -> None:
    allowed = [
        {"Fn::GetAtt": ["InterviewsTable", "Arn"]},
        {"Fn::Sub": "${InterviewsTable.Arn}/index/GSI1"},
        {"Fn::Sub": "${InterviewsTable.Arn}/index/JobInterviews"},
    ]
    for name, function in FUNCTIONS.items():
        for statement in statements(function):
            if any(str(a).startswith("dynamodb:") for a in as_list(statement["Action"])):
                for resource in as_list(statement["Resource"]):
                    assert resource in allowed, f"{name}: {resource}"


def test_only_the_erasure_function_can_delete_from_the_table() -> None:
    # BatchWriteItem is how erasure deletes (DeleteItem is never granted); no other function holds it
    deleters = sorted(
        n
        for n, f in FUNCTIONS.items()
        for s in statements(f)
        if {"dynamodb:BatchWriteItem", "dynamodb:DeleteItem"} & set(as_list(s["Action"]))
    )
    assert deleters == ["DeleteCandidateFunction"]
    (batch,) = [
        s
        for s in statements(FUNCTIONS["DeleteCandidateFunction"])
        if "dynamodb:BatchWriteItem" in as_list(s["Action"])
    ]
    assert as_list(batch["Resource"]) == [{"Fn::GetAtt": ["InterviewsTable", "Arn"]}]


def test_decisions_can_only_be_appended() -> None:
    # The decision function reads and puts (conditionally); it can neither change nor remove a decision
    granted = {a for s in statements(FUNCTIONS["InterviewDecisionFunction"]) for a in as_list(s["Action"])}
    assert not granted & {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


def test_only_start_interview_can_run_the_agent_and_only_on_our_cluster() -> None:
    runners = [
        n for n, f in FUNCTIONS.items() for s in statements(f) if "ecs:RunTask" in as_list(s["Action"])
    ]
    assert runners == ["StartInterviewFunction"]
    (run_task,) = [
        s for s in statements(FUNCTIONS["StartInterviewFunction"]) if "ecs:RunTask" in as_list(s["Action"])
    ]
    assert run_task["Resource"] == {"Ref": "AgentTaskDefinition"}
    assert run_task["Condition"]["ArnEquals"]["ecs:cluster"] == {"Fn::GetAtt": ["AgentCluster", "Arn"]}
    (pass_role,) = [
        s for s in statements(FUNCTIONS["StartInterviewFunction"]) if "iam:PassRole" in as_list(s["Action"])
    ]
    assert pass_role["Condition"]["StringEquals"]["iam:PassedToService"] == "ecs-tasks.amazonaws.com"
    assert {r["Fn::GetAtt"][0] for r in as_list(pass_role["Resource"])} == {
        "AgentTaskRole",
        "AgentExecutionRole",
    }


def test_only_the_functions_that_mint_livekit_tokens_read_the_livekit_secret() -> None:
    for name, function in FUNCTIONS.items():
        for statement in statements(function):
            if "secretsmanager:GetSecretValue" in as_list(statement["Action"]):
                resources = as_list(statement["Resource"])
                if name == "JobProfileDraftFunction":
                    # The OpenAI key only when the deployment lets the OpenAI brain draft (off by default)
                    assert resources == [
                        {
                            "Fn::If": [
                                "DraftsWithOpenAI",
                                [{"Ref": "BackendApiKeySecret"}, {"Ref": "OpenAIApiKeySecret"}],
                                [{"Ref": "BackendApiKeySecret"}],
                            ]
                        }
                    ]
                    assert TEMPLATE["Parameters"]["ProfileDraftBrain"]["Default"] == "offline"
                    continue
                assert {"Ref": "OpenAIApiKeySecret"} not in resources, f"{name} must not read the OpenAI key"
                if name in {
                    "AgentStatusFunction",
                    "InterviewStatusFunction",
                    "CandidateDetailsFunction",
                    "CandidateJoinedFunction",
                }:
                    assert resources == [{"Ref": "BackendApiKeySecret"}]


def test_the_seed_compat_routes_reach_their_use_cases() -> None:
    # /agent/join is start-interview under the seed's other name: one function, one use case
    routes = all_routes()
    assert routes[("POST", "/agent/join")] == routes[("POST", "/start-interview")] == "StartInterviewFunction"
    assert routes[("POST", "/agent/candidate-details")] == "CandidateDetailsFunction"
    assert routes[("POST", "/api/candidate-joined")] == "CandidateJoinedFunction"
    assert routes[("GET", "/health")] == "HealthFunction"


def test_health_is_granted_nothing_and_answers_fast() -> None:
    # Public and unauthenticated: it may read neither the table nor any secret
    health = FUNCTIONS["HealthFunction"]
    assert statements(health) == []
    assert int(prop(health, "Timeout")) <= 5


def test_end_interview_finds_a_candidates_interview_through_gsi1_only() -> None:
    (query,) = [
        s for s in statements(FUNCTIONS["EndInterviewFunction"]) if "dynamodb:Query" in as_list(s["Action"])
    ]
    assert as_list(query["Action"]) == ["dynamodb:Query"]
    assert query["Resource"] == {"Fn::Sub": "${InterviewsTable.Arn}/index/GSI1"}


# ------------------------------------------------------------------------------------------- data


def test_the_table_is_on_demand_with_ttl_pitr_and_gsi1() -> None:
    table = RESOURCES["InterviewsTable"]
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["KeySchema"] == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    gsi1, by_job = properties["GlobalSecondaryIndexes"]
    assert gsi1["IndexName"] == "GSI1"
    assert [k["AttributeName"] for k in gsi1["KeySchema"]] == ["GSI1PK", "GSI1SK"]
    assert gsi1["Projection"]["ProjectionType"] == "ALL"
    # A job's interviews: META's own job_id and created_at, so older interviews are in it too
    assert by_job["IndexName"] == "JobInterviews"
    assert [k["AttributeName"] for k in by_job["KeySchema"]] == ["job_id", "created_at"]
    assert by_job["Projection"]["ProjectionType"] == "ALL"
    assert table["DeletionPolicy"] == "Retain"  # interviews outlive a stack deletion by mistake


def test_retention_is_a_parameter() -> None:
    retention = TEMPLATE["Parameters"]["RetentionDays"]
    assert retention["Type"] == "Number"
    assert GLOBALS["Environment"]["Variables"]["RETENTION_DAYS"] == {"Ref": "RetentionDays"}


# ------------------------------------------------------------------------------------------- secrets


@pytest.mark.parametrize("name", ["LiveKitCredentialsSecret", "BackendApiKeySecret", "OpenAIApiKeySecret"])
def test_the_secrets_exist(name: str) -> None:
    assert RESOURCES[name]["Type"] == "AWS::SecretsManager::Secret"


def test_the_backend_key_is_generated_not_written_in_the_template() -> None:
    secret = RESOURCES["BackendApiKeySecret"]["Properties"]
    assert "SecretString" not in secret
    assert secret["GenerateSecretString"]["PasswordLength"] >= 32


# ------------------------------------------------------------------------------------------- layer


def test_the_common_layer_is_built_for_python312_arm64_with_pinned_requirements() -> None:
    layer = RESOURCES["CommonLayer"]
    assert layer["Metadata"]["BuildMethod"] == "python3.12"
    assert layer["Metadata"].get("BuildArchitecture") == "arm64"
    assert layer["Properties"]["ContentUri"] == "layers/common/"
    requirements = (ROOT / "layers/common/requirements.txt").read_text().splitlines()
    pins = [line for line in requirements if line.strip() and not line.startswith("#")]
    assert pins
    assert all("==" in line for line in pins)


def test_the_layer_pins_the_versions_the_tests_run_with() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    requirements = (ROOT / "layers/common/requirements.txt").read_text().splitlines()
    layer_pins = {line.strip() for line in requirements if "==" in line}
    for pin in layer_pins:
        assert pin in project, f"{pin} differs from pyproject.toml"


# ------------------------------------------------------------------------------------------- agent task


def test_the_agent_task_is_arm64_fargate_with_awslogs_and_secrets_by_reference() -> None:
    task = RESOURCES["AgentTaskDefinition"]["Properties"]
    assert task["RequiresCompatibilities"] == ["FARGATE"]
    assert task["NetworkMode"] == "awsvpc"
    assert task["RuntimePlatform"] == {"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"}
    (container,) = task["ContainerDefinitions"]
    assert container["Name"] == "agent"
    assert container["LogConfiguration"]["LogDriver"] == "awslogs"
    assert container["LogConfiguration"]["Options"]["awslogs-group"] == {"Ref": "AgentLogGroup"}
    environment = {e["Name"] for e in container.get("Environment", [])}
    secrets = {s["Name"] for s in container.get("Secrets", [])}
    assert {"LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "OPENAI_API_KEY"} <= secrets
    assert not environment & {"LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "OPENAI_API_KEY"}
    assert task["TaskRoleArn"] == {"Fn::GetAtt": ["AgentTaskRole", "Arn"]}
    assert task["ExecutionRoleArn"] == {"Fn::GetAtt": ["AgentExecutionRole", "Arn"]}


def test_the_launcher_is_told_the_container_name_of_the_task_definition() -> None:
    variables = FUNCTIONS["StartInterviewFunction"]["Properties"]["Environment"]["Variables"]
    (container,) = RESOURCES["AgentTaskDefinition"]["Properties"]["ContainerDefinitions"]
    assert variables["ECS_CONTAINER_NAME"] == container["Name"]
    assert variables["ECS_CLUSTER"] == {"Ref": "AgentCluster"}
    assert variables["ECS_TASK_DEFINITION"] == {"Ref": "AgentTaskDefinition"}


def test_the_agent_task_role_touches_only_the_table() -> None:
    role = RESOURCES["AgentTaskRole"]["Properties"]
    for policy in role["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            for action in as_list(statement["Action"]):
                assert "*" not in action
            for resource in as_list(statement["Resource"]):
                assert resource != "*"
    principal = role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    assert principal == {"Service": "ecs-tasks.amazonaws.com"}


# ------------------------------------------------------------------------------------------- outputs


def test_outputs_give_the_urls_to_paste_into_the_frontend_and_livekit() -> None:
    outputs = TEMPLATE["Outputs"]
    assert "ApiUrl" in outputs
    assert "LiveKitWebhookUrl" in outputs
    assert str(outputs["LiveKitWebhookUrl"]["Value"]["Fn::Sub"]).endswith("/livekit/webhook")
    assert str(outputs["ApiUrl"]["Value"]["Fn::Sub"]).startswith("https://${InterviewApi}.execute-api.")
    assert "BackendApiKeySecretArn" in outputs
    assert "LiveKitCredentialsSecretArn" in outputs
