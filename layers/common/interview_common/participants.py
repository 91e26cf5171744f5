"""Old import path of interview_common.dal.participants (the same module object)."""

import sys

from interview_common.dal import participants as _moved

sys.modules[__name__] = _moved
