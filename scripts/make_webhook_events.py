"""Writes events/webhook_*.json: LiveKit webhooks as API Gateway delivers them, signed with the dev key pair,
and events/agent_task_stopped.json: the EventBridge event ECS sends when an agent's task stops.

    .venv/bin/python scripts/make_webhook_events.py              # signatures valid for 5 minutes
    .venv/bin/python scripts/make_webhook_events.py --ttl 3600   # ... or for an hour

LiveKit's signature (a JWT whose sha256 claim covers the body) expires 5 minutes after signing, and the
handler refuses an expired one with 401 like any bad signature. So the webhook samples go stale:
regenerate them right before invoking (a longer --ttl only works because these are signed with the dev
key pair, devkey/secret, which the local environment trusts):

    .venv/bin/python scripts/make_webhook_events.py && \\
      sam local invoke LiveKitWebhookFunction -e events/webhook_participant_joined.json \\
        --env-vars events/env.json

The samples follow one interview in the sample room of scripts/make_events.py (demo-room-1): start it
there first (events/start_interview.json), or every webhook is answered "unknown_room" and writes nothing.
agent_task_stopped.json names the agent's interview: pass `--interview-id <interviewId>` (from the
start-interview answer) or AgentTaskEventsFunction ignores it as another interview's task.
Bodies are LiveKit's protobuf JSON (camelCase, int64 as strings), built from livekit.protocol messages.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

from livekit.protocol.webhook import WebhookEvent  # noqa: E402

from local.apigw_events import http_api_event  # noqa: E402
from local.livekit_sim.events import (  # noqa: E402
    microphone,
    participant_info,
    room_info,
    webhook_event,
)
from local.livekit_sim.webhooks import WEBHOOK_CONTENT_TYPE, encode_event, sign_body  # noqa: E402

EVENTS_DIR = ROOT / "events"
DEV_LIVEKIT_API_KEY = "devkey"
DEV_LIVEKIT_API_SECRET = "secret"  # noqa: S105 - LiveKit's published dev-mode secret
DEFAULT_TTL_SECONDS = 300  # LiveKit signs each delivery for 5 minutes

# The interview of scripts/make_events.py's samples.
SAMPLE_ROOM = "demo-room-1"
SAMPLE_CANDIDATE_IDENTITY = "candidate-cand-demo"
SAMPLE_AGENT_IDENTITY = "interview-agent-demo"
# `sam local` resolves !Ref AgentCluster / !Ref AgentTaskDefinition to the logical ids: name them so.
SAMPLE_CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/AgentCluster"
SAMPLE_TASK = "arn:aws:ecs:us-east-1:123456789012:task/AgentCluster/0123456789abcdef0123456789abcdef"
SAMPLE_TASK_DEFINITION = "arn:aws:ecs:us-east-1:123456789012:task-definition/AgentTaskDefinition:1"


def webhook_events(now: float) -> dict[str, WebhookEvent]:
    """One interview's webhooks, by sample name, as LiveKit would send them around `now`."""
    room = room_info(SAMPLE_ROOM, sid="RM_demo", created_at=now - 120)
    agent = participant_info(
        SAMPLE_AGENT_IDENTITY, name="AI Interviewer", joined_at=now - 110, agent=True, sid="PA_agent"
    )
    candidate = participant_info(
        SAMPLE_CANDIDATE_IDENTITY, name="Ada Lovelace", joined_at=now - 60, sid="PA_candidate"
    )
    gone = participant_info(
        SAMPLE_CANDIDATE_IDENTITY,
        name="Ada Lovelace",
        joined_at=now - 60,
        sid="PA_candidate",
        connected=False,
    )
    return {
        "room_started": webhook_event(
            "room_started", room=room, created_at=now - 120, event_id="EV_demo_room_started"
        ),
        "agent_joined": webhook_event(
            "participant_joined",
            room=room,
            participant=agent,
            created_at=now - 110,
            event_id="EV_demo_agent_joined",
        ),
        "participant_joined": webhook_event(
            "participant_joined",
            room=room,
            participant=candidate,
            created_at=now - 60,
            event_id="EV_demo_candidate_joined",
        ),
        "track_published": webhook_event(
            "track_published",
            room=room,
            participant=candidate,
            track=microphone(),
            created_at=now - 59,
            event_id="EV_demo_microphone_on",
        ),
        "participant_left": webhook_event(
            "participant_left",
            room=room,
            participant=gone,
            created_at=now - 10,
            event_id="EV_demo_candidate_left",
        ),
        "room_finished": webhook_event(
            "room_finished", room=room, created_at=now, event_id="EV_demo_room_finished"
        ),
    }


def webhook_request(name: str, event: WebhookEvent, *, ttl: timedelta) -> dict[str, Any]:
    """The API Gateway HTTP API (v2) event of LiveKit's POST: raw JWT in Authorization, no bearer."""
    body = encode_event(event)
    headers = {
        "authorization": sign_body(body, DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET, ttl),
        "content-type": WEBHOOK_CONTENT_TYPE,
        "host": "abcdef1234.execute-api.us-east-1.amazonaws.com",
        "user-agent": "Go-http-client/1.1",
    }
    request = http_api_event("POST", "/livekit/webhook", body=body, headers=headers, source_ip="203.0.113.20")
    request["requestContext"]["requestId"] = f"sample-webhook-{name}"
    return request


def agent_task_stopped(now: float, interview_id: str) -> dict[str, Any]:
    """EventBridge's "ECS Task State Change" for the sample interview's agent, crashed with exit code 1."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    environment = [
        {"name": "INTERVIEW_ID", "value": interview_id},
        {"name": "ROOM_NAME", "value": SAMPLE_ROOM},
        {"name": "CANDIDATE_IDENTITY", "value": SAMPLE_CANDIDATE_IDENTITY},
        {"name": "AGENT_IDENTITY", "value": SAMPLE_AGENT_IDENTITY},
    ]
    return {
        "version": "0",
        "id": "3317b2af-7005-947d-b652-f55e762e571a",
        "detail-type": "ECS Task State Change",
        "source": "aws.ecs",
        "account": "123456789012",
        "time": stamp,
        "region": "us-east-1",
        "resources": [SAMPLE_TASK],
        "detail": {
            "clusterArn": SAMPLE_CLUSTER,
            "taskArn": SAMPLE_TASK,
            "taskDefinitionArn": SAMPLE_TASK_DEFINITION,
            "group": "family:live-interview-agent",
            "launchType": "FARGATE",
            "lastStatus": "STOPPED",
            "desiredStatus": "STOPPED",
            "stopCode": "EssentialContainerExited",
            "stoppedReason": "Essential container in task exited",
            "startedBy": f"interview-{interview_id}"[:36],
            "stoppedAt": stamp,
            "containers": [{"name": "agent", "lastStatus": "STOPPED", "exitCode": 1, "taskArn": SAMPLE_TASK}],
            "overrides": {"containerOverrides": [{"name": "agent", "environment": environment}]},
        },
    }


def render(*, ttl: timedelta, now: float | None = None, interview_id: str = "demo") -> dict[str, str]:
    """File name under events/ → content. Webhook signatures are valid from `now` for `ttl`."""
    at = time.time() if now is None else now
    files = {
        f"webhook_{name}.json": _dump(webhook_request(name, event, ttl=ttl))
        for name, event in webhook_events(at).items()
    }
    files["agent_task_stopped.json"] = _dump(agent_task_stopped(at, interview_id))
    return files


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--ttl",
        type=int,
        default=DEFAULT_TTL_SECONDS,
        help=f"seconds the webhook signatures stay valid (default {DEFAULT_TTL_SECONDS}, as LiveKit signs)",
    )
    parser.add_argument(
        "--interview-id",
        default="demo",
        help="the started interview's id, for agent_task_stopped.json (its agent's INTERVIEW_ID)",
    )
    args = parser.parse_args(argv)
    if args.ttl <= 0:
        parser.error("--ttl must be a positive number of seconds")
    EVENTS_DIR.mkdir(exist_ok=True)
    # The dev secret is LiveKit's published 6-byte one; PyJWT warns about its length on every signature.
    warnings.filterwarnings("ignore", message="The HMAC key is")
    for name, content in render(ttl=timedelta(seconds=args.ttl), interview_id=args.interview_id).items():
        (EVENTS_DIR / name).write_text(content)
        print(f"wrote events/{name}")
    print(f"webhook signatures expire in {args.ttl} s: regenerate before `sam local invoke`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
