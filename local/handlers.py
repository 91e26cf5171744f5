"""Loads the Lambda handlers from functions/<name>/app.py (every handler module is named `app`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"


def load_handler_module(function_dir: str) -> ModuleType:
    module_name = f"functions_{function_dir}_app"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, FUNCTIONS_DIR / function_dir / "app.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"no handler in functions/{function_dir}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
