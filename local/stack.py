"""The embedded local stack: everything `make demo` and `make dev` run, in one process.

- DynamoDB: moto's server on 127.0.0.1, the table created from template.yaml.
- The HTTP API: the same Lambda handlers behind local/http_adapter.py, with the environment the
  template gives them (Globals) plus local values.
- LiveKit: a simulated server (Twirp RoomService + a signalling WebSocket, signed webhooks to the local
  /livekit/webhook route), or a real LiveKit server when one is configured.
- Fargate: local/process_launcher.py, one `python -m interviewer` child per interview; when one stops, the
  stack sends the ECS "task stopped" event to the function the template subscribes to it.

`stop()` (and Ctrl-C / SIGTERM through `serve_until_signal`) stops the agents first, so each ends its
interview and says why, delivers the last webhooks, and only then stops the servers: no process is left
behind and no interview is left looking active.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import urllib.request
import uuid
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from interview_common.services import Services

from local.http_adapter import LambdaInvoker, build_http_app, function_for_event
from local.livekit_sim import SimulatedLiveKit
from local.livekit_sim.server import BackgroundAiohttpServer, free_port
from local.livekit_sim.signalling import SignallingHub, build_simulated_livekit_app
from local.livekit_sim.webhook_delivery import WebhookDelivery
from local.process_launcher import (
    AGENT_COMMAND,
    AgentExit,
    LogSink,
    ProcessLauncher,
    print_log,
    task_definition_environment,
)
from local.template_resources import create_table, lambda_environment

# The dev defaults of DESIGN.md ("Local embedded default"); LiveKit's own dev-mode key pair.
DEV_BACKEND_API_KEY = "dev-backend-key"
DEV_LIVEKIT_API_KEY = "devkey"
DEV_LIVEKIT_API_SECRET = "secret"  # noqa: S105 - LiveKit's published dev-mode secret
DEV_ALLOWED_ORIGINS = "http://localhost:3000"
LOCAL_TABLE = "live-interview-local"
LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT = "000000000000"
LOCAL_CLUSTER_ARN = f"arn:aws:ecs:{LOCAL_REGION}:{LOCAL_ACCOUNT}:cluster/local"
LOCAL_TASK_DEFINITION_ARN = (
    f"arn:aws:ecs:{LOCAL_REGION}:{LOCAL_ACCOUNT}:task-definition/live-interview-agent:1"
)
AGENT_CONTAINER_NAME = "agent"
# What the stack (or the launch request) decides for every agent, whatever the developer's shell says.
STACK_OWNED_AGENT_SETTINGS = frozenset(
    {"ROOM_NAME", "INTERVIEW_ID", "AGENT_IDENTITY", "CANDIDATE_ID", "CANDIDATE_IDENTITY", "JOB_ID"}
    | {"TABLE_NAME", "AWS_ENDPOINT_URL", "LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"}
    | {"AGENT_TRANSPORT", "PUBLIC_API_URL"}
)
DEV_KEY_WARNING = "The HMAC key is"  # PyJWT's warning about short secrets, e.g. LiveKit's dev "secret"
STOPPED_BY_STACK = "the local stack was stopped (Ctrl-C or SIGTERM) during the interview"


@dataclass(frozen=True)
class ExternalLiveKit:
    """A real LiveKit server (e.g. `livekit-server --dev`): rooms, tokens and webhooks come from it."""

    url: str
    api_key: str
    api_secret: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ExternalLiveKit | None:
        names = ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET")
        present = [name for name in names if environ.get(name)]
        if not present:
            return None
        if len(present) < len(names):
            missing = ", ".join(name for name in names if name not in present)
            raise ValueError(
                "a real LiveKit server needs LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET; "
                f"missing: {missing}"
            )
        return cls(environ["LIVEKIT_URL"], environ["LIVEKIT_API_KEY"], environ["LIVEKIT_API_SECRET"])


# The polled status routes need only their environment (DynamoDB, the keys): they scale out. 4 worker
# processes hold 200 interviews polling every 3 s on 2 cores (bench/bench_load.py).
SCALED_FUNCTIONS = {"agent_status": 4, "interview_status": 2}


@dataclass
class StackOptions:
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port
    livekit: ExternalLiveKit | None = None  # None: simulated rooms
    backend_api_key: str = DEV_BACKEND_API_KEY
    table_name: str = LOCAL_TABLE
    agent_grace_seconds: float = 8.0
    agent_log_sink: LogSink = print_log
    agent_environment: dict[str, str] = field(default_factory=dict)
    lambda_log_level: str | None = None  # None: the template's POWERTOOLS_LOG_LEVEL
    agent_command: tuple[str, ...] = AGENT_COMMAND  # the container's entry point (tests may stand in)
    # Functions served by worker processes that scale with load, as Lambda does (function dir -> most
    # execution environments; local/execution_environments.py); the others run in this process.
    function_environments: dict[str, int] = field(default_factory=lambda: dict(SCALED_FUNCTIONS))
    # Warm pool agents kept started and idle (AgentPoolSize; interview_common.agent_pool); 0 = off.
    agent_pool_size: int = 0


@dataclass(frozen=True)
class InterviewOutcome:
    room_name: str
    interview_id: str
    state: str
    error: str | None

    def describe(self) -> str:
        return f"room {self.room_name}: {self.state}" + (f" ({self.error})" if self.error else "")


def ecs_task_stopped_event(stopped: AgentExit) -> dict[str, Any]:
    """EventBridge's "ECS Task State Change" for a stopped task, as ECS sends it for the agent."""
    stopped_at = (
        datetime.fromtimestamp(stopped.stopped_at, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )
    started_at = (
        datetime.fromtimestamp(stopped.started_at, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )
    environment = [{"name": key, "value": value} for key, value in stopped.request.environment().items()]
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "ECS Task State Change",
        "source": "aws.ecs",
        "account": LOCAL_ACCOUNT,
        "time": stopped_at.replace(".000Z", "Z"),
        "region": LOCAL_REGION,
        "resources": [stopped.task_ref],
        "detail": {
            "clusterArn": LOCAL_CLUSTER_ARN,
            "taskArn": stopped.task_ref,
            "taskDefinitionArn": LOCAL_TASK_DEFINITION_ARN,
            "lastStatus": "STOPPED",
            "desiredStatus": "STOPPED",
            "launchType": "FARGATE",
            "stopCode": stopped.stop_code,
            "stoppedReason": stopped.stopped_reason,
            "startedBy": f"interview-{stopped.request.interview_id}"[:36],
            "createdAt": started_at,
            "startedAt": started_at,
            "stoppedAt": stopped_at,
            "containers": [
                {
                    "name": AGENT_CONTAINER_NAME,
                    "exitCode": stopped.exit_code,
                    "lastStatus": "STOPPED",
                    "taskArn": stopped.task_ref,
                }
            ],
            "overrides": {"containerOverrides": [{"name": AGENT_CONTAINER_NAME, "environment": environment}]},
        },
    }


def agent_setting_names() -> set[str]:
    """The variables the agent reads (interviewer.config.AgentSettings): a developer who sets one in
    their shell (SILENCE_TIMEOUT, OPENAI_MODEL, ...) sees the local agent use it."""
    from interviewer.config import AgentSettings

    return {field.alias for field in AgentSettings.model_fields.values() if field.alias}


def _is_ecs_task_state_rule(event: dict[str, Any]) -> bool:
    if event.get("Type") not in ("EventBridgeRule", "CloudWatchEvent"):
        return False
    pattern = event.get("Properties", {}).get("Pattern", {})
    return "ECS Task State Change" in [str(kind) for kind in pattern.get("detail-type", [])]


class LocalStack:
    def __init__(self, options: StackOptions | None = None) -> None:
        self.options = options or StackOptions()
        self.sim: SimulatedLiveKit | None = None
        self.hub: SignallingHub | None = None
        self.webhooks: WebhookDelivery | None = None
        self.launcher: ProcessLauncher | None = None
        self.invoker = LambdaInvoker(self.options.function_environments)
        self._moto: Any = None
        self._livekit_server: BackgroundAiohttpServer | None = None
        self._api_server: BackgroundAiohttpServer | None = None
        self._task_events_function: str | None = None
        self._stopped = False
        self._saved_environment: dict[str, str] | None = None
        self._function_environment: dict[str, str] = {}
        self._dynamodb: Any = None
        self.services: Services | None = None
        self.dynamodb_url = ""
        self.livekit_url = ""
        self.api_url = ""

    # -- start --------------------------------------------------------------------------------------

    def start(self) -> Self:
        try:
            self._start()
        except BaseException:
            self.stop("the local stack failed to start")
            raise
        return self

    def _start(self) -> None:
        from moto.server import ThreadedMotoServer

        from local.moto_transactions import install as install_item_level_transaction_rollback

        install_item_level_transaction_rollback()  # webhooks commit with TransactWriteItems
        options = self.options
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request
        # Metrics are off locally (POWERTOOLS_METRICS_DISABLED); Powertools still warns that none were sent.
        warnings.filterwarnings("ignore", message="No application metrics to publish")
        if options.livekit is None:  # LiveKit's published dev secret is short, and known: no warning for it
            warnings.filterwarnings("ignore", message=DEV_KEY_WARNING)
        moto_port = free_port(options.host)
        self._moto = ThreadedMotoServer(ip_address=options.host, port=moto_port, verbose=False)
        self._moto.start()
        self.dynamodb_url = f"http://{options.host}:{moto_port}"

        keys = options.livekit or ExternalLiveKit("", DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET)
        if options.livekit is None:
            self.sim = SimulatedLiveKit()
            app, self.hub = build_simulated_livekit_app(self.sim, keys.api_key, keys.api_secret)
            self._livekit_server = BackgroundAiohttpServer(app, host=options.host).start()
            self.livekit_url = self._livekit_server.url.replace("http://", "ws://")
        else:
            self.livekit_url = options.livekit.url

        self._api_server = BackgroundAiohttpServer(
            build_http_app(self.invoker), host=options.host, port=options.port or None
        )
        try:
            self._api_server.start()
        except OSError as error:
            failed, self._api_server = self._api_server, None
            failed.stop()
            raise OSError(
                f"cannot serve the API on {options.host}:{options.port}: {error.strerror}; set PORT"
            ) from error
        self.api_url = self._api_server.url

        self._configure_lambdas(keys)
        self.invoker.prewarm()  # the scaled functions' first environment, with the environment just set
        # moto keeps its data per process, not per server: a stack starts from an empty account.
        reset = urllib.request.Request(f"{self.dynamodb_url}/moto-api/reset", method="POST")  # noqa: S310
        urllib.request.urlopen(reset, timeout=10).close()  # noqa: S310 - our own moto server
        create_table(self._dynamodb, options.table_name)

        if self.sim is not None:
            self.webhooks = WebhookDelivery(self.api_url + "/livekit/webhook", keys.api_key, keys.api_secret)
            self.sim.add_event_sink(self.webhooks)

        # The function EventBridge invokes with ECS's "task stopped" events, as template.yaml subscribes it.
        self._task_events_function = function_for_event(_is_ecs_task_state_rule)
        self.launcher = ProcessLauncher(
            self._agent_environment(keys),
            command=options.agent_command,
            grace_seconds=options.agent_grace_seconds,
            log_sink=options.agent_log_sink,
            on_exit=self._on_agent_exit,
            pool_size=options.agent_pool_size,
        )
        # The in-process functions' services: this stack's settings, table client and launcher.
        from interview_common import wiring
        from interview_common.services import Services
        from interview_common.settings import Settings

        self.services = Services.build(
            Settings.model_validate(self._function_environment),
            dynamodb=self._dynamodb,
            launcher=self.launcher,
        )
        wiring.use_services(self.services)
        self.launcher.start_pool()  # AGENT_POOL_SIZE > 0: the pool's agents, as the ECS service starts them

    def _configure_lambdas(self, keys: ExternalLiveKit) -> None:
        """The environment the functions get from the template, with local values, in this process."""
        options = self.options
        self._saved_environment = dict(os.environ)
        environment = lambda_environment(
            {"InterviewsTable": options.table_name, "LiveKitUrl": self.livekit_url}
        )
        environment.update(self._aws_environment())
        environment.update(
            {
                "TABLE_NAME": options.table_name,
                "BACKEND_API_KEY": options.backend_api_key,
                "LIVEKIT_API_KEY": keys.api_key,
                "LIVEKIT_API_SECRET": keys.api_secret,
                "LIVEKIT_URL": self.livekit_url,
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_METRICS_DISABLED": "true",
                "AGENT_LAUNCHER": "process",
                "ALLOWED_ORIGINS": DEV_ALLOWED_ORIGINS,
                # A candidate's page may call its own room's routes with its LiveKit token (docs/frontend.md).
                "BROWSER_ACCESS": "true",
                "PUBLIC_API_URL": self.api_url,
                "ECS_CLUSTER": LOCAL_CLUSTER_ARN,
                "ECS_TASK_DEFINITION": LOCAL_TASK_DEFINITION_ARN,
                "ECS_CONTAINER_NAME": AGENT_CONTAINER_NAME,
                "AGENT_POOL_SIZE": str(options.agent_pool_size),
            }
        )
        if options.lambda_log_level:
            environment["POWERTOOLS_LOG_LEVEL"] = options.lambda_log_level
        for name in (
            "LIVEKIT_SECRET_ARN",
            "BACKEND_API_KEY_SECRET_ARN",
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_SESSION_TOKEN",
        ):
            os.environ.pop(name, None)
        # Exported as Lambda's runtime does: Powertools, CORS and the worker processes read it. The
        # in-process functions' settings and clients come from the services built from it (_start).
        os.environ.update(environment)
        self._function_environment = environment
        from interview_common.aws_clients import new_client

        self._dynamodb = new_client(
            "dynamodb",
            endpoint_url=self.dynamodb_url,
            region=LOCAL_REGION,
            access_key="local",
            secret_key="local",  # noqa: S106 - moto's dummy credentials
        )

    def _aws_environment(self) -> dict[str, str]:
        # Fixed dummy credentials: whatever is in the developer's shell, nothing here can reach real AWS.
        return {
            "AWS_ENDPOINT_URL": self.dynamodb_url,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": LOCAL_REGION,
            "AWS_REGION": LOCAL_REGION,
        }

    def _agent_environment(self, keys: ExternalLiveKit) -> dict[str, str]:
        """The task definition's environment with local values, the developer's own agent settings
        (e.g. OPENAI_MODEL, SILENCE_TIMEOUT) over it, then what the local stack decides."""
        environment = task_definition_environment(
            {"InterviewsTable": self.options.table_name, "LiveKitUrl": self.livekit_url},
            {
                "LIVEKIT_API_KEY": keys.api_key,
                "LIVEKIT_API_SECRET": keys.api_secret,
                "OPENAI_API_KEY": os.environ.get("OPENAI_API_KEY", ""),
            },
        )
        environment.update(
            {
                name: value
                for name, value in os.environ.items()
                if name in agent_setting_names() and name not in STACK_OWNED_AGENT_SETTINGS
            }
        )
        environment.update(self._aws_environment())
        environment.update(
            {
                "AGENT_TRANSPORT": "sim" if self.sim is not None else "livekit",
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_METRICS_DISABLED": "true",
                "PUBLIC_API_URL": self.api_url,
            }
        )
        if self.sim is not None:
            environment["PYTHONWARNINGS"] = f"ignore:{DEV_KEY_WARNING}"
        environment.update(self.options.agent_environment)
        return environment

    # -- agents -------------------------------------------------------------------------------------

    def _on_agent_exit(self, stopped: AgentExit) -> None:
        """ECS reports a stopped task to EventBridge, which invokes the function subscribed to it."""
        if self._task_events_function is None:
            return
        event = ecs_task_stopped_event(stopped)
        self.invoker.invoke(self._task_events_function, event)

    def outcomes(self) -> list[InterviewOutcome]:
        """Every interview this stack launched an agent for, as the table has it now."""
        if self.launcher is None:
            return []
        if self.services is None:
            return []
        outcomes = []
        seen: set[str] = set()
        for request in self.launcher.requests():
            if request.interview_id in seen:
                continue
            seen.add(request.interview_id)
            interview = self.services.store.get_interview(request.room_name)
            if interview is not None and interview.interview_id == request.interview_id:
                outcomes.append(
                    InterviewOutcome(
                        request.room_name, request.interview_id, interview.state.value, interview.error
                    )
                )
        return outcomes

    # -- stop ---------------------------------------------------------------------------------------

    def stop(self, reason: str = STOPPED_BY_STACK) -> list[InterviewOutcome]:
        """Stop agents (they end their interviews), deliver the last webhooks, then the servers."""
        if self._stopped:
            return []
        self._stopped = True
        outcomes: list[InterviewOutcome] = []
        if self.launcher is not None:
            self.launcher.stop_all(reason)
        if self.webhooks is not None:
            self.webhooks.stop(timeout=3.0)
        try:
            outcomes = self.outcomes()
        except Exception:  # the table is unreachable; the servers still have to stop
            outcomes = []
        for server in (self._api_server, self._livekit_server):
            if server is not None:
                server.stop()
        self.invoker.stop()
        if self._moto is not None:
            self._moto.stop()
        from interview_common import wiring

        wiring.use_services(None)
        if self._saved_environment is not None:  # this process is as it was before the stack
            os.environ.clear()
            os.environ.update(self._saved_environment)
        return outcomes

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def serve_until_signal(
    stack: LocalStack, on_ready: Callable[[LocalStack], None] | None = None
) -> list[InterviewOutcome]:
    """Run the stack until Ctrl-C or SIGTERM; a second signal stops the agents without waiting."""
    stop = threading.Event()
    signals = 0

    def on_signal(_signum: int, _frame: object) -> None:
        nonlocal signals
        signals += 1
        if signals > 1 and stack.launcher is not None:
            for ref in stack.launcher.running():
                stack.launcher.kill(ref)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        stack.start()
        if on_ready is not None:
            on_ready(stack)
        while not stop.wait(0.5):
            pass
        return stack.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


__all__ = ["ExternalLiveKit", "InterviewOutcome", "LocalStack", "StackOptions", "serve_until_signal"]
