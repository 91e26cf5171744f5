"""Lambda SnapStart (Python): what a function prepares before its snapshot, and what each copy makes its own.

With SnapStart a published version runs its init once, is snapshotted, and every cold start resumes a copy
of that snapshot instead of importing and initialising again. `prepare()` registers two runtime hooks
(`snapshot_restore_py`, present only in Lambda's Python runtime; elsewhere it does nothing):

- before the snapshot: do what the first request would otherwise do on a cold start: import the modules a
  handler imports lazily (`imports`, e.g. livekit.api for the webhook signature), build the Tracer (the
  X-Ray SDK and botocore's patch), and load the AWS SDK's service models for the clients it will build;
- after each restore: reseed `random`, whose state every copy would otherwise share (botocore's retry
  jitter draws from it; our ids come from uuid4, i.e. os.urandom, which restores do not repeat).

Uniqueness and secrets: nothing a copy must not share is made before the snapshot. No AWS client is built
(a client resolves credentials and opens connections), no secret is read (credentials.py reads them at
the first request that needs them), no token is minted; settings are environment variables, which a
restore keeps. Which functions use it, and what it costs: template.yaml (parameter SnapStart) and
docs/operations.md.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Iterable

from interview_common.observability import logger, tracer

# The clients the control-plane functions build (interview_common.aws_clients); loading their models is
# the part of building a client that holds nothing secret.
SERVICE_MODELS = ("dynamodb", "ecs", "secretsmanager")


def prepare(imports: Iterable[str] = ()) -> bool:
    """Register the snapshot hooks; False outside a SnapStart-capable Lambda runtime (nothing registered)."""
    try:
        from snapshot_restore_py import (
            register_after_restore,
            register_before_snapshot,
        )
    except ImportError:
        return False
    modules = tuple(imports)
    register_before_snapshot(lambda: before_snapshot(modules))
    register_after_restore(after_restore)
    return True


def before_snapshot(imports: Iterable[str] = ()) -> None:
    for module in imports:
        importlib.import_module(module)
    tracer.get()
    _load_service_models(SERVICE_MODELS)
    logger.info("prepared for the snapshot", extra={"modules": list(imports)})


def after_restore() -> None:
    random.seed()  # this copy's own random state (os.urandom), not the snapshot's


def _load_service_models(services: Iterable[str]) -> None:
    import boto3

    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()  # a session resolves no credentials until a client is built
    session = boto3.DEFAULT_SESSION._session  # type: ignore[union-attr]
    for service in services:
        session.get_service_model(service)
