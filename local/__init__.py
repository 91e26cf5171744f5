"""The embedded local stack: HTTP adapter over the Lambda handlers, simulated LiveKit, process launcher."""

import sys as _sys
from pathlib import Path as _Path

# `python -m local.demo` from the repository root: the shared package and the agent package are not
# installed, they live in layers/common and agent_container (as on Lambda's and the container's paths).
_ROOT = _Path(__file__).resolve().parent.parent
for _path in (_ROOT / "layers" / "common", _ROOT / "agent_container"):
    if str(_path) not in _sys.path:
        _sys.path.append(str(_path))
