"""Old import path of interview_common.dal.decision_log (the same module object)."""

import sys

from interview_common.dal import decision_log as _moved

sys.modules[__name__] = _moved
