"""One execution environment of one function, in its own process: `python -m local.lambda_worker <dir>`.

Loads functions/<dir>/app.py once (its cold start), then serves one invocation at a time, as a Lambda
execution environment does: an API Gateway event as a JSON line on stdin, the handler's answer as a JSON
line on the protocol pipe (the original stdout). Everything the handler prints (Powertools' log lines)
goes to stderr instead, so it never mixes with answers. Started by local/execution_environments.py.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    function_dir = sys.argv[1]
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # the handler's prints go to stderr
    sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]
    from local.apigw_events import LocalLambdaContext
    from local.handlers import load_handler_module

    handler = load_handler_module(function_dir).lambda_handler
    context = LocalLambdaContext(function_dir)
    answers.write(json.dumps({"ready": os.getpid()}) + "\n")
    for line in sys.stdin:
        try:
            result = dict(handler(json.loads(line), context))
        except Exception as error:  # the handler raised: Lambda answers 502 for it, so does the adapter
            result = {"statusCode": 502, "body": json.dumps({"message": type(error).__name__})}
        answers.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
