"""template.yaml: the warm pool is opt-in (AgentPoolSize, 0 = off and no pool resources), its service runs
the agent's own task definition, and its permissions reach only the pool's items and tasks."""

from __future__ import annotations

from typing import Any

from local.template_resources import load_template

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
POOL_RESOURCES = {"AgentPoolService", "StartInterviewPoolPolicy", "AgentPoolTaskPolicy"}


def test_the_pool_is_off_by_default_and_every_pool_resource_exists_only_when_it_is_on() -> None:
    parameter = TEMPLATE["Parameters"]["AgentPoolSize"]
    assert (parameter["Type"], parameter["Default"], parameter["MinValue"]) == ("Number", 0, 0)
    assert TEMPLATE["Conditions"]["UseAgentPool"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AgentPoolSize"}, 0]}]
    }
    conditional = {
        name for name, resource in RESOURCES.items() if resource.get("Condition") == "UseAgentPool"
    }
    assert conditional == POOL_RESOURCES


def test_the_pool_service_keeps_pool_size_tasks_of_the_agents_own_task_definition() -> None:
    service = RESOURCES["AgentPoolService"]["Properties"]
    assert service["TaskDefinition"] == {"Ref": "AgentTaskDefinition"}
    assert service["Cluster"] == {"Ref": "AgentCluster"}
    assert service["DesiredCount"] == {"Ref": "AgentPoolSize"}
    assert service["LaunchType"] == "FARGATE"
    network = service["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["Subnets"] == {"Ref": "SubnetIds"}
    assert network["SecurityGroups"] == {"Ref": "SecurityGroupIds"}


def test_start_interview_and_the_agent_are_told_the_pool_size() -> None:
    start = RESOURCES["StartInterviewFunction"]["Properties"]["Environment"]["Variables"]
    assert start["AGENT_POOL_SIZE"] == {"Ref": "AgentPoolSize"}
    (container,) = RESOURCES["AgentTaskDefinition"]["Properties"]["ContainerDefinitions"]
    assert {"Name": "AGENT_POOL_SIZE", "Value": {"Ref": "AgentPoolSize"}} in container["Environment"]


def test_the_pool_permissions_reach_only_the_pools_items_and_the_clusters_tasks() -> None:
    for name, role in (
        ("StartInterviewPoolPolicy", "StartInterviewFunctionRole"),
        ("AgentPoolTaskPolicy", "AgentTaskRole"),
    ):
        properties = RESOURCES[name]["Properties"]
        assert properties["Roles"] == [{"Ref": role}]
        for statement in properties["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            assert all("*" not in action for action in actions)
            if any(action.startswith("dynamodb:") for action in actions):
                assert statement["Resource"] == {"Fn::GetAtt": ["InterviewsTable", "Arn"]}
                leading = statement["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"]
                assert leading == ["AGENT_POOL"]
            else:
                assert set(actions) == {"ecs:UpdateTaskProtection", "ecs:GetTaskProtection"}
                assert "${AgentCluster}/*" in statement["Resource"]["Fn::Sub"]
    start_actions = RESOURCES["StartInterviewPoolPolicy"]["Properties"]["PolicyDocument"]["Statement"][0][
        "Action"
    ]
    assert "dynamodb:DeleteItem" not in start_actions and "dynamodb:PutItem" not in start_actions
