"""What every fuzz test shares: the world a request can touch, the checks every answer must pass, and the
strategies that build hostile requests.

A request goes to the real handler as API Gateway would send it (local.apigw_events.http_api_event), with
moto's DynamoDB and ECS and a Twirp LiveKit fake behind it. After each example:
- the answer is never a 5xx, never a stack trace, and an error has the one error shape;
- no secret (backend key, LiveKit secret, a presented bearer value, the seed's credentials, any token
  minted so far) appears in the answer, in a JSON log line, in a log record or on stdout/stderr;
- a refused request changed nothing: the table, the LiveKit server and the ECS cluster are as before.
"""

from __future__ import annotations

import io
import json
import logging
import string
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from interview_common.models.identifiers import IDENTIFIER_PATTERN, ROOM_NAME_PATTERN

from local.apigw_events import LocalLambdaContext, http_api_event
from local.handlers import load_handler_module
from tests.conftest import TABLE_NAME, TEST_API_KEY, TEST_LIVEKIT_SECRET, FakeLiveKit

# Bounded so the whole fuzz suite runs in well under a minute on 2 cores; derandomized so a failure in CI
# is the same failure on a laptop (hypothesis prints the example that broke it).
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

STACK_TRACE_MARKERS = ("Traceback (most recent call last)", 'File "/', '.py", line ')
ALWAYS_SECRET = (TEST_API_KEY, TEST_LIVEKIT_SECRET)
REGION = "us-east-1"

# -- answers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.text or "{}")

    @property
    def is_json(self) -> bool:
        content_type = next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")
        return "json" in content_type


def invoke(function_dir: str, event: dict[str, Any]) -> Answer:
    module = load_handler_module(function_dir)
    response = module.lambda_handler(event, LocalLambdaContext(function_dir))
    return Answer(
        status=int(response["statusCode"]),
        text=str(response.get("body") or ""),
        headers={str(k): str(v) for k, v in (response.get("headers") or {}).items()},
    )


def check_answer(answer: Answer) -> None:
    """Never a 5xx, never a stack trace; errors in the one shape the frontend reads."""
    assert answer.status < 500, answer
    for marker in STACK_TRACE_MARKERS:
        assert marker not in answer.text, answer
    if answer.status >= 400:
        assert answer.is_json, answer
        body = answer.json()
        assert body["status"] == "error" and body["success"] is False, body
        assert isinstance(body["detail"], str) and body["detail"], body
        assert body["error"]["code"] and body["error"]["message"] == body["detail"], body


# -- the world a request can touch ---------------------------------------------------------------------


@dataclass
class Snapshot:
    items: list[str]
    livekit_requests: int
    tasks: list[str]


@dataclass
class World:
    """The table, the LiveKit fake and the ECS cluster, plus every place a log line can land."""

    livekit: FakeLiveKit
    ecs_cluster: dict[str, Any]
    json_logs: io.StringIO
    caplog: pytest.LogCaptureFixture
    capsys: pytest.CaptureFixture[str]
    minted_tokens: set[str] = field(default_factory=set)
    statuses: set[int] = field(default_factory=set)
    _log_offset: int = 0

    def snapshot(self) -> Snapshot:
        """Read straight from moto's backends: the same truth as Scan/ListTasks at a tenth of the cost,
        which keeps a few hundred examples inside the suite's time budget."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends
        from moto.ecs.models import ecs_backends

        table = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(TABLE_NAME)
        tasks = ecs_backends[DEFAULT_ACCOUNT_ID][REGION].list_tasks(cluster_str=self.ecs_cluster["cluster"])
        return Snapshot(
            items=sorted(json.dumps(item.to_json(), sort_keys=True) for item in table.all_items()),
            livekit_requests=len(self.livekit.requests),
            tasks=sorted(f"{task.task_arn} {task.desired_status}" for task in tasks),
        )

    def new_log_text(self) -> str:
        """Every log line written since the last call, wherever it went."""
        text = self.json_logs.getvalue()
        fresh, self._log_offset = text[self._log_offset :], len(text)
        captured = self.capsys.readouterr()
        records = " ".join(f"{record.getMessage()} {record.__dict__!r}" for record in self.caplog.records)
        self.caplog.clear()
        return "\n".join((fresh, captured.out, captured.err, records))

    def secrets(self, presented: set[str]) -> set[str]:
        return {*ALWAYS_SECRET, *self.minted_tokens, *(value for value in presented if len(value) >= 8)}

    def check(
        self,
        answer: Answer,
        before: Snapshot,
        *,
        presented: set[str],
        may_write: bool,
        allowed_in_answer: set[str] | None = None,
    ) -> None:
        """The checks every example ends with (see the module's docstring)."""
        check_answer(answer)
        self.statuses.add(answer.status)
        logs = self.new_log_text()
        after = self.snapshot()
        stored = "\n".join(after.items)
        for secret in self.secrets(presented):
            assert secret not in logs, f"a secret ({len(secret)} chars) reached the logs"
            assert secret not in stored, f"a secret ({len(secret)} chars) was stored"
            if secret not in (allowed_in_answer or set()):
                assert secret not in answer.text, "a secret reached the answer"
                assert secret not in repr(answer.headers), "a secret reached the answer's headers"
        if answer.status >= 400 or not may_write:
            assert after.items == before.items, "a refused request changed the table"
            assert after.livekit_requests == before.livekit_requests, "a refused request called LiveKit"
            assert after.tasks == before.tasks, "a refused request started or stopped a task"


# -- strategies ----------------------------------------------------------------------------------------

HOSTILE_STRINGS = [
    "",
    " ",
    "null",
    "undefined",
    "../../etc/passwd",
    "..",
    "a/b",
    "ROOM#other#META",
    "PARTICIPANT#x",
    "\x00",
    "\u202e\u200b",
    "面试房间",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "${jndi:ldap://127.0.0.1/x}",
    "%s%s%n",
    "{{7*7}}",
    "candidate-x",
    "interview-agent-x",
    "interview-agent-candidate",
    "x" * 129,
    "x" * 5000,
    "-leading-dash",
    "room name",
    "room\nname",
    "Bearer",
]

valid_rooms = st.from_regex(ROOM_NAME_PATTERN, fullmatch=True)
valid_identifiers = st.from_regex(IDENTIFIER_PATTERN, fullmatch=True)
hostile_strings = st.sampled_from(HOSTILE_STRINGS) | st.text(max_size=40)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and ±Infinity too: Python's json reads them
    | hostile_strings
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def mostly[T](
    usual: st.SearchStrategy[T], odd: st.SearchStrategy[T], one_in: int = 4
) -> st.SearchStrategy[T]:
    """`usual`, and one draw in `one_in` from `odd`: enough well-formed requests get past validation to
    reach the use cases, whatever way hypothesis happens to explore."""
    # sampled_from, usual first: hypothesis favours the first choice and small integers (its "simplest"
    # examples), so integers(1, n) with 1 meaning odd would be odd far more often than one in n.
    return st.sampled_from([True] * (one_in - 1) + [False]).flatmap(
        lambda usual_one: usual if usual_one else odd
    )


def field_values(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly valid (so requests reach the use case), often hostile."""
    return mostly(valid, hostile_strings | json_values)


# A value only this example presented (a bearer value, a seed credential): it must never come back out.
def unique_secrets(prefix: str) -> st.SearchStrategy[str]:
    return st.uuids().map(lambda value: f"{prefix}-{value.hex}")


header_names = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,24}", fullmatch=True).filter(
    lambda name: name.lower() not in ("authorization", "content-type")
)
header_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@st.composite
def authorizations(draw: st.DrawFn) -> tuple[str | None, set[str]]:
    """An Authorization header (or none) and the secret values it presents."""
    presented = draw(unique_secrets("BEARER"))
    # Mostly the right key, so most examples get past the gate and exercise the route itself.
    wrong = ["lower", "none", "random-bearer", "text", "scheme-only", "basic", "prefix", "suffix"]
    choice = draw(mostly(st.just("valid"), st.sampled_from(wrong), one_in=3))
    header = {
        "valid": f"Bearer {TEST_API_KEY}",
        "none": None,
        "random-bearer": f"Bearer {presented}",
        "text": draw(header_values),
        "scheme-only": "Bearer ",
        "basic": f"Basic {presented}",
        "prefix": f"Bearer {TEST_API_KEY[:-1]}",
        "suffix": f"Bearer {TEST_API_KEY}{presented}",
        "lower": f"bearer {TEST_API_KEY}",
    }[choice]
    return header, {presented}


@st.composite
def header_sets(
    draw: st.DrawFn, *, content_types: list[str] | None = None
) -> tuple[dict[str, str], set[str]]:
    """Request headers: an Authorization variant, a content type and a few arbitrary others."""
    authorization, presented = draw(authorizations())
    headers = draw(st.dictionaries(header_names, header_values, max_size=3))
    kinds = content_types or ["application/json", "application/json; charset=utf-8", ""]
    headers["content-type"] = draw(mostly(st.sampled_from(kinds), st.just("text/plain") | header_values))
    if authorization is not None:
        headers["authorization"] = authorization
    return headers, presented


@st.composite
def bodies(draw: st.DrawFn, structured: st.SearchStrategy[dict[str, Any]]) -> str | bytes | None:
    """How a body reaches the handler: JSON of a structured body, any JSON, text, bytes, or none."""
    kind = draw(mostly(st.just("structured"), st.sampled_from(["json", "text", "bytes", "none"]), one_in=3))
    if kind == "structured":
        return json.dumps(draw(structured), ensure_ascii=draw(st.booleans()))
    if kind == "json":
        return json.dumps(draw(json_values))
    if kind == "text":
        return draw(
            st.text(max_size=200) | st.sampled_from(["{", "[1,", "{'a': 1}", "{}", "[]", "null", "\ufeff{}"])
        )
    if kind == "bytes":
        return draw(st.binary(max_size=200) | st.just("é".encode("latin-1")) | st.just(b"\xff\xfe{}"))
    return None


def path_segment(value: str) -> tuple[str, str]:
    """The raw path segment API Gateway would see for a parameter value (percent-encoded) and the value."""
    return quote(value, safe=string.ascii_letters + string.digits + "-_.~:@="), value


def http_event(
    method: str,
    path: str,
    *,
    body: str | bytes | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
    route_key: str | None = None,
) -> dict[str, Any]:
    return http_api_event(
        method,
        path,
        body=body,
        headers=headers,
        query=query,
        path_parameters=path_parameters,
        route_key=route_key,
    )


def capture_json_logs() -> tuple[io.StringIO, logging.Handler]:
    """A second handler on the Powertools logger with its formatter: every line as CloudWatch gets it."""
    from interview_common.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logging.getLogger(logger.name).addHandler(handler)
    return stream, handler
