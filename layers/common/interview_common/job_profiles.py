"""Old import path of interview_common.dal.job_profiles (the same module object)."""

import sys

from interview_common.dal import job_profiles as _moved

sys.modules[__name__] = _moved
