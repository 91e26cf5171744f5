"""The data messages the agent sends on the room: interview_common.room_protocol holds them (the backend
sends on the room too); this module keeps the agent's import path."""

from interview_common.room_protocol import (
    AgentListeningMessage,
    EndInterviewControl,
    FeedbackMessage,
    InterviewCompletedMessage,
    QuestionMessage,
    QuestionResponse,
    ResponseReceivedMessage,
    StatusMessage,
    TranscriptMessage,
    progress_percent,
    question_responses,
)

__all__ = [
    "AgentListeningMessage",
    "EndInterviewControl",
    "FeedbackMessage",
    "InterviewCompletedMessage",
    "QuestionMessage",
    "QuestionResponse",
    "ResponseReceivedMessage",
    "StatusMessage",
    "TranscriptMessage",
    "progress_percent",
    "question_responses",
]
