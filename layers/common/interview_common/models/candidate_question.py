"""A question the candidate asked the interviewer, and what was said back: kept for the hiring team.

Asked during the questions, it is kept and answered at the close; asked at the close, it is answered
there. What is said back comes only from the job profile's `about`/`faq` text; otherwise the interviewer
says the hiring team will get back to the candidate (`passed_on`), and the question is in the report for
them to answer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# profile: answered from the job profile's about/faq text; passed_on: the hiring team is to answer it;
# not_reached: the interview ended before the close, so nothing was said back.
AnswerSource = Literal["profile", "passed_on", "not_reached"]


class CandidateQuestion(BaseModel):
    model_config = ConfigDict(frozen=True)

    question: str = Field(max_length=2000)
    # "questions": asked while a question of the interview was open (then kept for the close); "closing".
    asked_during: Literal["questions", "closing"]
    question_number: int | None = None  # the interview question open at the time, when there was one
    asked_at: str
    said_back: str | None = Field(default=None, max_length=2000)
    source: AnswerSource = "not_reached"
