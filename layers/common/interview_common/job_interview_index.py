"""Old import path of interview_common.dal.job_interview_index (the same module object)."""

import sys

from interview_common.dal import job_interview_index as _moved

sys.modules[__name__] = _moved
