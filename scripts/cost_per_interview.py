"""What one interview costs in AWS (us-east-1), from the task size and settings in template.yaml.

    .venv/bin/python scripts/cost_per_interview.py [--minutes 30] [--lambda-ms 20] [--template template.yaml]

Infrastructure (Fargate arm64 task, its public IPv4, Lambda, HTTP API, DynamoDB on-demand, CloudWatch Logs)
is computed from the template: the agent's CPU and memory (AgentCpu/AgentMemory defaults), the functions'
memory, the agent's heartbeat interval. The speech and language models are shown apart, with their
assumptions: they depend on the provider and on how much the candidate talks, not on this stack.
Prices are constants below with the date they were read; change them here when AWS or OpenAI change them.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# us-east-1 list prices, read on 2025-06-01 (aws.amazon.com/fargate|lambda|api-gateway|dynamodb|cloudwatch|
# vpc/pricing). DynamoDB on-demand after its November 2024 price cut.
PRICES_DATE = "2025-06-01"
FARGATE_ARM64_VCPU_HOUR = 0.03238
FARGATE_ARM64_GB_HOUR = 0.00356
FARGATE_MINIMUM_SECONDS = 60  # billed per second, one minute at least
PUBLIC_IPV4_HOUR = 0.005  # AssignPublicIp=true gives each task one
LAMBDA_ARM64_GB_SECOND = 0.0000133334
LAMBDA_REQUEST = 0.20 / 1_000_000
HTTP_API_REQUEST = 1.00 / 1_000_000
DYNAMODB_RRU = 0.125 / 1_000_000
DYNAMODB_WRU = 0.625 / 1_000_000
LOGS_INGEST_GB = 0.50
# Lambda SnapStart for Python: the snapshot's cache per GB-second while the version is live, and each restore.
SNAPSTART_CACHE_GB_SECOND = 0.0000015046
SNAPSTART_RESTORE_GB = 0.0001397998

# OpenAI list prices read on the same date, for the agent's brain and speech (AGENT_BRAIN=auto with a key).
LLM_INPUT_PER_M_TOKENS = 0.15  # gpt-4o-mini (OpenAIModel's default)
LLM_OUTPUT_PER_M_TOKENS = 0.60
STT_PER_MINUTE = 0.006  # whisper-1
TTS_PER_M_CHARACTERS = 15.00  # tts-1

# What an interview does besides the clock (see docs/operations.md for where each comes from).
POLL_SECONDS = 3  # the frontend's GET /agent-status
WEBHOOKS = 8  # room_started, 2 joins, 2 track_published, 2 participant_left, room_finished
WEBHOOK_WRU = 8  # one transaction: (marker 1 + participant 1 + META 2 KB) x 2
OTHER_CALLS = 3  # start-interview, token, end-interview
TURNS = 12  # questions and follow-ups
TASK_START_SECONDS = 60  # Fargate bills from the image pull on; the agent joins about a minute in
LOG_BYTES_PER_INVOCATION = 400  # Lambda's START/END/REPORT lines and one access-log line
AGENT_LOG_BYTES = 200_000  # the agent's JSON lines over an interview (no transcripts are logged)


def template_settings(template_path: Path) -> dict[str, Any]:
    """The agent's task size, the functions' memory and the agent's heartbeat (cfn-lint's decoder)."""
    from cfnlint.decode import decode

    template, problems = decode(str(template_path))
    if template is None:
        raise SystemExit(f"cannot read {template_path}: {problems}")
    parameters = template["Parameters"]
    container = template["Resources"]["AgentTaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    environment = {str(item["Name"]): item["Value"] for item in container["Environment"]}

    def default(value: Any) -> Any:  # a literal, or a !Ref to a parameter: its default
        return parameters[value["Ref"]]["Default"] if isinstance(value, dict) and "Ref" in value else value

    snapstart = [
        name
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function" and "SnapStart" in resource["Properties"]
    ]
    return {
        "cpu_units": int(parameters["AgentCpu"]["Default"]),
        "memory_mb": int(parameters["AgentMemory"]["Default"]),
        "lambda_memory_mb": int(template["Globals"]["Function"]["MemorySize"]),
        "heartbeat_seconds": float(default(environment["HEARTBEAT_INTERVAL"])),
        "snapstart_functions": snapstart if default({"Ref": "SnapStart"}) == "true" else [],
    }


@dataclass(frozen=True)
class Line:
    item: str
    arithmetic: str
    dollars: float


def infrastructure(settings: dict[str, Any], minutes: float, lambda_ms: float) -> list[Line]:
    seconds = minutes * 60
    task_seconds = max(seconds + TASK_START_SECONDS, FARGATE_MINIMUM_SECONDS)
    vcpu, memory_gb = settings["cpu_units"] / 1024, settings["memory_mb"] / 1024
    polls = math.ceil(seconds / POLL_SECONDS)
    invocations = polls + WEBHOOKS + OTHER_CALLS
    lambda_gb = settings["lambda_memory_mb"] / 1024
    heartbeats = math.ceil(seconds / settings["heartbeat_seconds"])
    # Units: a strongly consistent read of <= 4 KB is 1 RRU; a write is 1 WRU per KB (META is 1-2 KB, with
    # the participants), twice that in a transaction. A poll is one GetItem of META; a webhook one GetItem
    # and one TransactWriteItems (marker, participant, META: 1 + 1 + 2 KB, x2).
    reads = polls * 1 + WEBHOOKS * 1 + TURNS * 1 + 5
    writes = heartbeats * 2 + WEBHOOKS * WEBHOOK_WRU + TURNS * 2 * 2 + 10
    log_gb = (invocations * LOG_BYTES_PER_INVOCATION + AGENT_LOG_BYTES) / 1e9
    hours = task_seconds / 3600
    return [
        Line(
            "Fargate arm64 vCPU",
            f"{vcpu:g} vCPU x {task_seconds / 60:.0f} min x ${FARGATE_ARM64_VCPU_HOUR}/vCPU-h",
            vcpu * hours * FARGATE_ARM64_VCPU_HOUR,
        ),
        Line(
            "Fargate arm64 memory",
            f"{memory_gb:g} GB x {task_seconds / 60:.0f} min x ${FARGATE_ARM64_GB_HOUR}/GB-h",
            memory_gb * hours * FARGATE_ARM64_GB_HOUR,
        ),
        Line(
            "Task public IPv4",
            f"{task_seconds / 60:.0f} min x ${PUBLIC_IPV4_HOUR}/h",
            hours * PUBLIC_IPV4_HOUR,
        ),
        Line(
            "Lambda requests",
            f"{polls} polls + {WEBHOOKS} webhooks + {OTHER_CALLS} calls = {invocations} x $0.20/M",
            invocations * LAMBDA_REQUEST,
        ),
        Line(
            "Lambda compute",
            f"{invocations} x {lambda_ms:g} ms x {lambda_gb:g} GB x ${LAMBDA_ARM64_GB_SECOND}/GB-s",
            invocations * lambda_ms / 1000 * lambda_gb * LAMBDA_ARM64_GB_SECOND,
        ),
        Line("HTTP API requests", f"{invocations} x $1.00/M", invocations * HTTP_API_REQUEST),
        Line(
            "DynamoDB reads",
            f"{polls} polls x 1 + {WEBHOOKS} webhooks x 1 + turns/start ~{TURNS + 5} = {reads} RRU"
            " x $0.125/M",
            reads * DYNAMODB_RRU,
        ),
        Line(
            "DynamoDB writes",
            f"{heartbeats} heartbeats x 2 + webhooks {WEBHOOKS * WEBHOOK_WRU} + turns {TURNS * 4} + start 10"
            f" = {writes} WRU x $0.625/M",
            writes * DYNAMODB_WRU,
        ),
        Line("CloudWatch Logs", f"{log_gb * 1e3:.2f} MB x ${LOGS_INGEST_GB}/GB", log_gb * LOGS_INGEST_GB),
    ]


def models(minutes: float) -> list[Line]:
    candidate_minutes = minutes * 0.5  # the candidate talks about half the time
    agent_characters = (
        TURNS * 400 + 1_500
    )  # each question with its lead-in ~400 characters, greeting and close
    input_tokens, output_tokens = (
        2 * TURNS * 2_500 + 6_000,
        2 * TURNS * 350 + 1_500,
    )  # plan/assess each + report
    return [
        Line(
            "STT (whisper-1)",
            f"candidate speaks ~{candidate_minutes:g} min x ${STT_PER_MINUTE}/min",
            candidate_minutes * STT_PER_MINUTE,
        ),
        Line(
            "TTS (tts-1)",
            f"~{agent_characters} characters x ${TTS_PER_M_CHARACTERS}/M",
            agent_characters * TTS_PER_M_CHARACTERS / 1e6,
        ),
        Line(
            "LLM (gpt-4o-mini)",
            f"~{input_tokens} in x ${LLM_INPUT_PER_M_TOKENS}/M"
            f" + ~{output_tokens} out x ${LLM_OUTPUT_PER_M_TOKENS}/M",
            input_tokens * LLM_INPUT_PER_M_TOKENS / 1e6 + output_tokens * LLM_OUTPUT_PER_M_TOKENS / 1e6,
        ),
    ]


POOL_POLL_SECONDS = 0.5  # interviewer.pool_wait.DEFAULT_POLL_SECONDS: an idle task reads its item this often


def idle_pool_task(settings: dict[str, Any]) -> list[Line]:
    """One warm-pool task waiting for an hour (AgentPoolSize): billed as a running task, plus its reads."""
    vcpu, memory_gb = settings["cpu_units"] / 1024, settings["memory_mb"] / 1024
    reads = 3600 / POOL_POLL_SECONDS  # strongly consistent GetItem of a < 4 KB item: 1 RRU each
    beats = 3600 / settings["heartbeat_seconds"]  # one < 1 KB conditional UpdateItem: 1 WRU each
    return [
        Line("Fargate vCPU", f"{vcpu:g} vCPU x 1 h", vcpu * FARGATE_ARM64_VCPU_HOUR),
        Line("Fargate memory", f"{memory_gb:g} GB x 1 h", memory_gb * FARGATE_ARM64_GB_HOUR),
        Line("public IPv4 (AssignPublicIp=true)", "1 h", PUBLIC_IPV4_HOUR),
        Line("DynamoDB polls", f"{reads:.0f} GetItem x 1 RRU", reads * DYNAMODB_RRU),
        Line("DynamoDB heartbeats", f"{beats:.0f} UpdateItem x 1 WRU", beats * DYNAMODB_WRU),
    ]


def render(title: str, lines: list[Line]) -> str:
    rows = [f"| {line.item} | {line.arithmetic} | ${line.dollars:.5f} |" for line in lines]
    total = sum(line.dollars for line in lines)
    return "\n".join(
        [
            f"**{title}**",
            "",
            "| item | arithmetic | $ |",
            "|---|---|---:|",
            *rows,
            f"| **total** | | **${total:.4f}** |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--lambda-ms", type=float, default=20, help="billed duration of a warm invocation")
    parser.add_argument("--template", type=Path, default=ROOT / "template.yaml")
    parser.add_argument("--pool-size", type=int, default=0, help="AgentPoolSize: warm tasks kept idle")
    args = parser.parse_args()
    settings = template_settings(args.template)
    print(
        f"One {args.minutes:g}-minute interview, us-east-1 prices of {PRICES_DATE}; agent task "
        f"{settings['cpu_units']} CPU units / {settings['memory_mb']} MB (template.yaml defaults), "
        f"heartbeat every {settings['heartbeat_seconds']:g} s, "
        f"functions {settings['lambda_memory_mb']} MB arm64.\n"
    )
    infra, speech = infrastructure(settings, args.minutes, args.lambda_ms), models(args.minutes)
    print(render("Infrastructure (this stack)", infra))
    print()
    print(render("Speech and language models (OpenAI, when AGENT_BRAIN uses a key; $0 offline)", speech))
    print()
    if settings["snapstart_functions"]:
        gb = settings["lambda_memory_mb"] / 1024
        monthly = len(settings["snapstart_functions"]) * gb * SNAPSTART_CACHE_GB_SECOND * 30 * 86400
        print(
            f"Fixed, not per interview: SnapStart on {', '.join(settings['snapstart_functions'])} caches "
            f"{gb:g} GB each: ${monthly:.2f} a month (x ${SNAPSTART_CACHE_GB_SECOND}/GB-s), plus "
            f"${gb * SNAPSTART_RESTORE_GB:.5f} per cold start restored; parameter SnapStart=false for none.\n"
        )
    if args.pool_size > 0:
        idle = idle_pool_task(settings)
        hourly = sum(line.dollars for line in idle)
        print(render("One idle warm-pool task for one hour (AgentPoolSize)", idle))
        pool = args.pool_size
        print(
            f"\nFixed, not per interview: AgentPoolSize={pool} idle costs ${pool * hourly:.4f}"
            f" an hour, ${pool * hourly * 730:.2f} a month (730 h); an idle task-hour is"
            f" {hourly / sum(x.dollars for x in infra):.1f} interviews' infrastructure. A task that serves"
            " costs what a RunTask one does.\n"
        )
    print(
        f"Per interview: infrastructure ${sum(x.dollars for x in infra):.4f} + models "
        f"${sum(x.dollars for x in speech):.4f}; per 1,000 interviews "
        f"${1000 * sum(x.dollars for x in infra + speech):.2f}."
    )


if __name__ == "__main__":
    main()
