"""Old import path of interview_common.dal.candidate_records (the same module object)."""

import sys

from interview_common.dal import candidate_records as _moved

sys.modules[__name__] = _moved
