"""The Tracer is built at the first traced call, so importing a handler never imports the X-Ray SDK."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

from interview_common.observability import DeferredTracer

from tests.conftest import BASE_ENV

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import app
loaded_at_import = "aws_xray_sdk.core" in sys.modules
from interview_common.observability import tracer
built_at_import = tracer.built
answer = app.lambda_handler(
    {"version": "2.0", "rawPath": "/health", "requestContext": {"http": {"method": "GET", "path": "/health"},
     "stage": "$default"}, "headers": {}, "isBase64Encoded": False},
    type("Context", (), {"function_name": "health", "memory_limit_in_mb": 128, "aws_request_id": "r",
                         "invoked_function_arn": "arn:aws:lambda:us-east-1:1:function:health"})(),
)
print(json.dumps({"loaded_at_import": loaded_at_import, "built_at_import": built_at_import,
                  "built_after_call": tracer.built, "status": answer["statusCode"]}))
"""


def test_a_handler_imports_without_the_xray_sdk_and_traces_from_its_first_call() -> None:
    # Given the health handler in a fresh interpreter, as Lambda loads it
    env = {**{k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}, **BASE_ENV}
    completed = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", CHILD, str(ROOT / "functions" / "health"), str(ROOT / "layers" / "common")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    seen = json.loads(completed.stdout.strip().splitlines()[-1])

    # Then its import left the X-Ray SDK and the Tracer alone, and its first request built the Tracer
    assert seen == {
        "loaded_at_import": False,
        "built_at_import": False,
        "built_after_call": True,
        "status": 200,
    }


def test_a_traced_function_keeps_its_name_signature_and_answer() -> None:
    # Given a function decorated with the deferred tracer (tracing disabled, as in the tests)
    tracer = DeferredTracer(disabled=True)

    @tracer.capture_method
    def greet(name: str, *, punctuation: str = "!") -> str:
        return f"hello {name}{punctuation}"

    # Then the resolver still sees its parameters, and a call answers as the function does
    assert greet.__name__ == "greet"
    assert list(inspect.signature(greet).parameters) == ["name", "punctuation"]
    assert not tracer.built
    assert greet("Ada", punctuation=".") == "hello Ada."
    assert tracer.built
