"""Secrets: the LiveKit key pair and the backend API key, from env (local) or Secrets Manager (AWS).

Values are cached by Powertools Parameters (5 minutes) so a warm Lambda does not call Secrets Manager
per request, and a rotated secret is picked up without a redeploy.
"""

from __future__ import annotations

from dataclasses import dataclass

from interview_common.errors import ServiceUnavailable
from interview_common.settings import Settings

SECRET_CACHE_SECONDS = 300


@dataclass(frozen=True, repr=False)
class LiveKitKeyPair:
    api_key: str
    api_secret: str

    def __repr__(self) -> str:  # never print the secret
        return f"LiveKitKeyPair(api_key={self.api_key!r}, api_secret=***)"


def _secret(arn: str) -> str | dict[str, str]:
    from aws_lambda_powertools.utilities import (
        parameters,
    )  # imported on first use: it pulls in boto3 resources

    try:
        value = parameters.get_secret(arn, max_age=SECRET_CACHE_SECONDS)
    except Exception as error:  # Secrets Manager outage or missing permission: the client may retry
        raise ServiceUnavailable("credentials are unavailable right now, retry shortly") from error
    text = value if isinstance(value, str) else value.decode()
    if text.lstrip().startswith("{"):
        import json

        try:
            parsed = json.loads(text)
        except ValueError as error:  # a hand-edited secret: say which, never what it holds
            raise ServiceUnavailable("a credentials secret is not valid JSON; fix its value") from error
        if not isinstance(parsed, dict):
            raise ServiceUnavailable("a credentials secret must be a JSON object")
        return {str(key): str(val) for key, val in parsed.items()}
    return text


def livekit_key_pair(settings: Settings) -> LiveKitKeyPair:
    if settings.livekit_api_key and settings.livekit_api_secret:
        return LiveKitKeyPair(settings.livekit_api_key, settings.livekit_api_secret)
    if not settings.livekit_secret_arn:
        raise ServiceUnavailable("LiveKit credentials are not configured")
    secret = _secret(settings.livekit_secret_arn)
    if not isinstance(secret, dict) or not secret.get("apiKey") or not secret.get("apiSecret"):
        raise ServiceUnavailable("LiveKit credentials secret must be JSON with apiKey and apiSecret")
    return LiveKitKeyPair(secret["apiKey"], secret["apiSecret"])


def backend_api_key(settings: Settings) -> str:
    if settings.backend_api_key:
        return settings.backend_api_key
    if not settings.backend_api_key_secret_arn:
        raise ServiceUnavailable("the backend API key is not configured")
    secret = _secret(settings.backend_api_key_secret_arn)
    key = secret.get("apiKey") if isinstance(secret, dict) else secret
    if not key:
        raise ServiceUnavailable("the backend API key secret is empty")
    return key
