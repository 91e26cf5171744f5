"""Old import path of interview_common.dal.room_record (the same module object)."""

import sys

from interview_common.dal import room_record as _moved

sys.modules[__name__] = _moved
