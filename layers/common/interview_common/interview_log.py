"""Old import path of interview_common.dal.interview_log (the same module object)."""

import sys

from interview_common.dal import interview_log as _moved

sys.modules[__name__] = _moved
