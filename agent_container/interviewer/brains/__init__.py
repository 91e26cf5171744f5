"""Brains: the OpenAI brain when an OpenAI key is set, the offline brain otherwise (and as its fallback)."""

from __future__ import annotations

from interviewer.brains.fallback import FallbackBrain
from interviewer.brains.offline import OfflineBrain
from interviewer.clock import Clock
from interviewer.config import AgentSettings
from interviewer.ports import Brain


def build_brain(settings: AgentSettings, clock: Clock) -> Brain:
    offline = OfflineBrain(clock)
    if not settings.use_openai or settings.openai_api_key is None:
        return offline
    from interviewer.brains.openai_brain import OpenAIBrain  # imported only when used: openai costs ~0.5 s

    primary = OpenAIBrain(
        api_key=settings.openai_api_key.get_secret_value(),
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        timeout=settings.openai_timeout,
        max_retries=settings.openai_max_retries,
        clock=clock,
    )
    return FallbackBrain(primary, offline, clock=clock)
