"""Composition root: the one `Services` a handler passes to its use cases, built once per process.

`services()` builds it at the first invocation from the environment's settings (checked then) and the
process's boto3 clients, and returns the same object while the environment stays warm. The local stack and
tests build their own `Services` and install it with `use_services`; `reset()` forgets both, as a new
execution environment would.

`store()`, `context_store()`, `launcher()` and `use_launcher()` are the older names, kept for callers that
still use them; they read from `services()`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from interview_common.settings import Settings, get_settings

if TYPE_CHECKING:  # imported on first use: a function that never reads the table never imports boto3 here
    from interview_common.dal.context_store import InterviewContextStore
    from interview_common.dal.interviews import InterviewStore
    from interview_common.launcher import AgentLauncher
    from interview_common.services import Services

_installed: Services | None = None
_built: Services | None = None
_launcher_override: AgentLauncher | None = None
_building = threading.Lock()


def services() -> Services:
    """This process's services: those installed with `use_services`, else the environment's (built once)."""
    global _built
    if _installed is not None:
        return _installed
    settings = get_settings()  # cached: the same object until the settings are read again
    built = _built
    if built is None or built.settings is not settings:
        from interview_common.services import Services

        with _building:
            if _built is None or _built.settings is not settings:
                _built = Services.build(settings, launcher=_launcher_override)
            built = _built
    return built


def settings() -> Settings:
    """The settings the handlers run with (the installed services' when some are), without building
    clients: the HTTP checks (body caps, the API key) read them on every route, /health included."""
    return _installed.settings if _installed is not None else get_settings()


def use_services(installed: Services | None) -> None:
    """Serve every handler of this process from `installed` (None: back to the environment's)."""
    global _installed
    _installed = installed


def reset() -> None:
    """Forget what was built and installed: the next invocation builds from the environment again."""
    global _installed, _built, _launcher_override
    _installed = _built = _launcher_override = None
    get_settings.cache_clear()


def store() -> InterviewStore:
    return services().store


def context_store() -> InterviewContextStore:
    return services().contexts


def launcher() -> AgentLauncher:
    """The launcher itself (built now: ServiceUnavailable when none is configured)."""
    return services().ready_launcher()


def use_launcher(replacement: AgentLauncher | None) -> None:
    """The environment's services with `replacement` as their launcher (None: the settings' launcher)."""
    global _launcher_override, _built
    _launcher_override = replacement
    _built = None
