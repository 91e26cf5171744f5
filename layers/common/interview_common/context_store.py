"""Old import path of interview_common.dal.context_store (the same module object)."""

import sys

from interview_common.dal import context_store as _moved

sys.modules[__name__] = _moved
