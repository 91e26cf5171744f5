"""The names this module has always exported, now kept in the data-access layer (interview_common.dal)."""

from interview_common.dal.interviews import InterviewRepository, InterviewStore, RoomSnapshot
from interview_common.dal.table import from_attribute_values, is_conditional_failure, to_attribute_values

__all__ = [
    "InterviewRepository",
    "InterviewStore",
    "RoomSnapshot",
    "from_attribute_values",
    "is_conditional_failure",
    "to_attribute_values",
]
