"""Loads the Lambda handlers from functions/<name>/app.py (every handler module is named `app`).

As in Lambda, the function's own folder is importable while its handler loads: a handler may import a
module shipped beside it (functions/interview_record/report_page.py). Those modules' names must be
unique across functions, since one local process holds them all."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from types import ModuleType

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"


# The local HTTP adapter serves requests from a thread pool: the first requests to a function arrive
# together, and one of them must not see the module half-imported (in sys.modules, before its handler).
_loading = threading.Lock()


def load_handler_module(function_dir: str) -> ModuleType:
    module_name = f"functions_{function_dir}_app"
    if module_name in sys.modules and hasattr(sys.modules[module_name], "lambda_handler"):
        return sys.modules[module_name]
    with _loading:
        return _load(function_dir, module_name)


def _load(function_dir: str, module_name: str) -> ModuleType:
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, FUNCTIONS_DIR / function_dir / "app.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"no handler in functions/{function_dir}")
    function_folder = str(FUNCTIONS_DIR / function_dir)
    if function_folder not in sys.path:
        sys.path.append(function_folder)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]  # the next request tries again, rather than getting half a module
        raise
    return module
