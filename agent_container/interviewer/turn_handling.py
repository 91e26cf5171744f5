"""What the interviewer does with each kind of candidate turn, as a competent interviewer would.

One question is a short conversation: the question, then each reply read by the brain (`understand`)
and acted on by its kind until the question is answered, skipped, set aside for the end, or left
unanswered. Every reply is kept in the turn's exchanges with its `reply_kind`; only answers (and
answers to follow-ups) make up the answer that is assessed. Every loop is bounded: a candidate who asks
for the question ten times still moves on.

- answer: a follow-up when the brain has one and the question allows more, else the turn is answered.
- repeat_request: the question again; the second time (or after the reassurance offered it) rephrased or
  split into parts; then set aside. Asked after a follow-up, the follow-up again.
- clarification: the profile's clarification, else the brain's, else a neutral line; listen again.
- skip_request: "Of course, let's move on." The turn is skipped (not assessed, not answered). A request
  to come back to it later ("can we come back to it at the end?") sets it aside instead.
- needs_moment: it waits once, with a longer silence allowance.
- non_answer: it reassures once (offering to rephrase or come back at the end); then the question is
  set aside and asked again before the close; still nothing: unanswered. After a follow-up it simply
  stops probing (the answer stands).
- question_for_interviewer: "Good question; let's come back to it at the end"; kept for the close.
- other_language: said once per interview which language the interview is held in; a language the
  profile allows is an answer (assessed when the brain can read it, else marked not assessed); an answer
  in another language is kept, marked so in the report and never scored as weak.
- wants_to_stop: it confirms once; then the interview closes (Interrupted("candidate_ended")).

`ClosingQuestions` holds the close: the candidate's questions, kept ones first, answered from the
profile's about/faq text through the brain, else passed on to the hiring team.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal, Protocol

from interview_common.models.candidate_question import CandidateQuestion
from interview_common.models.job_profile import JobProfile, Question
from interview_common.models.turn import Exchange, ExchangeKind, TurnItem, TurnKind

from interviewer.phrases import Phrases, language_name
from interviewer.ports import TurnContext, TurnReading
from interviewer.supervision import Interrupted

TurnOutcome = Literal["answered", "skipped", "unanswered", "set_aside"]

MAX_REPLIES_PER_QUESTION = 10  # candidate replies one question may take, whatever they are
MAX_REPEATS = 2  # the question again, then rephrased; a third request sets it aside
MAX_CLARIFICATIONS = 2  # then the neutral line
MAX_CLOSING_QUESTIONS = 3  # the candidate's questions answered at the close
QUOTED_WORDS = 25  # a kept question is said back by its first words at most
NEEDS_MOMENT_FACTOR = 3.0  # the silence allowance after "give me a moment", in silence timeouts

_YES = re.compile(
    r"^\W*(yes|yeah|yep|yup|sure|please|ok|okay|correct|definitely|absolutely|i do|i'm sure|i am sure|"
    r"that's right|right)\b",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\W*(no|nope|not|actually|wait|let's (continue|carry on|go on)|carry on|continue)\b", re.IGNORECASE
)


_LATER = re.compile(
    r"\b(later|at the end|come back to (it|this|that)|go back to (it|this|that)|return to (it|this|that))\b",
    re.IGNORECASE,
)


def defers(text: str) -> bool:
    """A request to skip that asks to come back to the question later ("can we come back to it at the
    end?"): the question is set aside and asked again before the close, not skipped for good."""
    return bool(_LATER.search(text))


def confirms(text: str) -> bool:
    """A reply to "would you like to end the interview now?" that says yes (and does not say no)."""
    return bool(_YES.search(text)) and not _NO.search(text)


def declines(text: str) -> bool:
    return bool(_NO.search(text))


def has_a_question(text: str) -> bool:
    """A bare yes to "do you have any questions?" ("Yes, I do."): the question is still to come."""
    words = re.findall(r"[\w']+", text)
    return confirms(text) and len(words) <= 3 and "?" not in text and "thank" not in text.lower()


class Interviewer(Protocol):
    """What the turn handling needs from the conductor (which owns the room, the brain and the record)."""

    @property
    def phrases(self) -> Phrases: ...

    async def converse(
        self,
        number: int,
        kind: ExchangeKind,
        line: str,
        *,
        question: Question | None,
        resume_line: str | None = None,
        silence: float | None = None,
    ) -> Exchange:
        """Say `line`, listen, and return the exchange (its `answer` is None after the silence timeout).
        With `question`, the frontend is shown the question (a `question` message) first."""
        ...

    async def say(self, line: str) -> None: ...

    async def understand(self, context: TurnContext, text: str) -> TurnReading: ...

    async def record(self, turn: TurnItem, exchange: Exchange) -> None: ...

    def now_iso(self) -> str: ...


@dataclass
class Conversation:
    """What the interviewer remembers across questions."""

    profile: JobProfile
    silence: float
    default_follow_ups: int
    candidate_questions: list[CandidateQuestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    language_notice_given: bool = False
    stop_confirmation_asked: bool = False

    def kept_questions(self) -> list[CandidateQuestion]:
        return [kept for kept in self.candidate_questions if kept.asked_during == "questions"]


class QuestionTurn:
    """One question of the interview, asked and talked through until it has an outcome."""

    def __init__(
        self,
        interviewer: Interviewer,
        conversation: Conversation,
        *,
        number: int,
        total: int,
        question: Question,
        turn: TurnItem,
    ) -> None:
        self._interviewer = interviewer
        self._conversation = conversation
        self._number = number
        self._total = total
        self._question = question
        self._turn = turn
        self._counts: Counter[str] = Counter()
        self._max_follow_ups = (
            question.max_follow_ups
            if question.max_follow_ups is not None
            else conversation.default_follow_ups
        )

    @property
    def _phrases(self) -> Phrases:
        return self._interviewer.phrases

    def _question_line(self) -> str:
        return self._phrases.question(self._number, self._total, self._question.text)

    async def run(self, *, revisit: bool = False) -> TurnOutcome:
        """Ask the question (again, before the close, when `revisit`) and act on each reply."""
        if revisit:
            line = self._phrases.revisited(self._number, self._question.text)
            exchange = await self._ask("repeat", line, show=True)
        else:
            exchange = await self._ask("question", self._question_line(), show=True)
        while True:
            outcome = await self._on_reply(exchange, revisit=revisit)
            if isinstance(outcome, str):
                return outcome
            exchange = outcome

    async def _ask(
        self, kind: ExchangeKind, line: str, *, show: bool = False, silence: float | None = None
    ) -> Exchange:
        return await self._interviewer.converse(
            self._number,
            kind,
            line,
            question=self._question if show else None,
            resume_line=self._question_line(),
            silence=silence,
        )

    def _has_answer(self) -> bool:
        return bool(self._turn.answer.strip())

    async def _on_reply(self, exchange: Exchange, *, revisit: bool) -> TurnOutcome | Exchange:
        """The next exchange, or the turn's outcome."""
        if exchange.answer is None:
            return await self._on_silence(exchange)
        self._counts["replies"] += 1
        reading = await self._interviewer.understand(self._context(exchange), exchange.answer)
        if (
            reading.kind == "other_language"
            and reading.language in self._conversation.profile.allowed_languages
        ):
            # A language the job allows is an answer; the brain says whether it can assess it.
            reading = reading.model_copy(update={"kind": "answer", "follow_up": None})
        exchange = exchange.model_copy(update={"reply_kind": reading.kind})
        await self._interviewer.record(self._turn, exchange)
        if self._counts["replies"] >= MAX_REPLIES_PER_QUESTION:
            return await self._enough()
        return await self._act(reading, exchange, revisit=revisit)

    async def _act(
        self, reading: TurnReading, exchange: Exchange, *, revisit: bool
    ) -> TurnOutcome | Exchange:
        phrases = self._phrases
        kind = reading.kind
        if kind == "answer":
            if reading.follow_up and self._turn.follow_ups < self._max_follow_ups:
                self._turn.follow_ups += 1
                return await self._ask("follow_up", reading.follow_up, show=True)
            return "answered"
        if kind == "repeat_request" and exchange.kind == "follow_up":
            return await self._ask("follow_up", exchange.prompt, show=True)  # the follow-up again, as it was
        if kind == "repeat_request":
            self._counts["repeat"] += 1
            if self._counts["repeat"] == 1 and not self._counts["reassurance"]:
                return await self._ask("repeat", phrases.repeated(self._question.text), show=True)
            if self._counts["repeat"] <= MAX_REPEATS:
                line = phrases.rephrased(self._question.text, self._question.clarification)
                return await self._ask("repeat", line, show=True)
            return await self._set_aside_or_leave(revisit)
        if kind == "clarification":
            self._counts["clarification"] += 1
            line = (
                (self._question.clarification or reading.say or phrases.clarification_fallback)
                if self._counts["clarification"] <= MAX_CLARIFICATIONS
                else phrases.clarification_fallback
            )
            return await self._ask("clarification", line)
        if kind == "skip_request":
            if not self._has_answer() and not revisit and defers(exchange.answer or ""):
                await self._interviewer.say(phrases.set_aside)
                return "set_aside"
            await self._interviewer.say(phrases.skip)
            return "answered" if self._has_answer() else "skipped"
        if kind == "needs_moment" and not self._counts["moment"]:
            self._counts["moment"] += 1
            silence = self._conversation.silence * NEEDS_MOMENT_FACTOR
            return await self._ask("prompt", phrases.needs_moment, silence=silence)
        if kind in ("non_answer", "needs_moment"):
            if self._has_answer():
                return "answered"  # after a follow-up: stop probing, the answer stands
            if not self._counts["reassurance"] and not revisit:
                self._counts["reassurance"] += 1
                return await self._ask("reassurance", phrases.reassurance)
            return await self._set_aside_or_leave(revisit)
        if kind == "question_for_interviewer":
            self._conversation.candidate_questions.append(
                CandidateQuestion(
                    question=(exchange.answer or "")[:2000],
                    asked_during="questions",
                    question_number=self._number,
                    asked_at=exchange.answer_ended_at or self._interviewer.now_iso(),
                )
            )
            return await self._ask("prompt", phrases.question_kept)
        if kind == "other_language":
            return await self._other_language(reading)
        if kind == "wants_to_stop":
            return await self._confirm_stop(revisit=revisit)
        return "answered" if self._has_answer() else "unanswered"  # pragma: no cover - every kind is handled

    async def _on_silence(self, exchange: Exchange) -> TurnOutcome | Exchange:
        await self._interviewer.record(self._turn, exchange)
        if self._has_answer():
            return "answered"  # nothing more after a follow-up: the answer stands
        if not self._counts["prompt"]:
            self._counts["prompt"] += 1
            return await self._ask("prompt", self._phrases.gentle_prompt)
        await self._interviewer.say(self._phrases.move_on)
        return "unanswered"

    async def _enough(self) -> TurnOutcome:
        if self._has_answer():
            return "answered"
        await self._interviewer.say(self._phrases.move_on)
        return "unanswered"

    async def _set_aside_or_leave(self, revisit: bool) -> TurnOutcome:
        if self._has_answer():
            return "answered"
        if revisit:
            await self._interviewer.say(self._phrases.move_on)
            return "unanswered"
        await self._interviewer.say(self._phrases.set_aside)
        return "set_aside"

    async def _other_language(self, reading: TurnReading) -> TurnOutcome | Exchange:
        profile = self._conversation.profile
        language = reading.language or "another language"
        spoken_in = language_name(language) if reading.language else language
        if not self._conversation.language_notice_given:
            self._conversation.language_notice_given = True
            return await self._ask("language", self._phrases.language_notice(profile.language))
        self._note(
            f"the answer to {self._question.id} was given in {spoken_in}, not in the interview's language "
            f"({language_name(profile.language)}); it could not be assessed and is not scored as weak"
        )
        if self._has_answer():
            return "answered"
        await self._interviewer.say(self._phrases.move_on)
        return "unanswered"

    async def _confirm_stop(self, *, revisit: bool) -> TurnOutcome | Exchange:
        if self._conversation.stop_confirmation_asked:
            raise Interrupted("candidate_ended")
        self._conversation.stop_confirmation_asked = True
        confirmation = await self._ask("confirm_stop", self._phrases.confirm_stop)
        if confirmation.answer is None:
            await self._interviewer.record(self._turn, confirmation)
            raise Interrupted("candidate_ended")  # they asked to stop and said nothing more
        self._counts["replies"] += 1
        reading = await self._interviewer.understand(self._context(confirmation), confirmation.answer)
        stop = reading.kind == "wants_to_stop" or confirms(confirmation.answer)
        declined = not stop and declines(confirmation.answer)
        # "Yes" to "would you like to end the interview now?" is the wish to stop, and "no, let's go on" is
        # no answer to the question: neither is ever part of the answer assessed.
        kind: TurnKind = reading.kind
        if stop:
            kind = "wants_to_stop"
        elif declined and kind == "answer":
            kind = "non_answer"
        confirmation = confirmation.model_copy(update={"reply_kind": kind})
        await self._interviewer.record(self._turn, confirmation)
        if stop:
            raise Interrupted("candidate_ended")
        if kind == "answer":
            return await self._act(reading, confirmation, revisit=revisit)  # they went on and answered
        return await self._ask("repeat", self._phrases.carrying_on(self._question.text), show=True)

    def _context(self, exchange: Exchange) -> TurnContext:
        # The conversation on this question so far, and what the interviewer just said (its reply unread).
        current = exchange.model_copy(update={"answer": None, "reply_kind": None})
        return TurnContext(
            question=self._question,
            exchanges=[*self._turn.exchanges, current],
            follow_ups_asked=self._turn.follow_ups,
            max_follow_ups=self._max_follow_ups,
        )

    def _note(self, note: str) -> None:
        if note not in self._conversation.notes:
            self._conversation.notes.append(note)


class ClosingQuestions:
    """ "Before we finish, do you have any questions?": the candidate's questions answered from the
    profile (through the brain's `say` for stage "closing"), else passed on to the hiring team."""

    def __init__(
        self, interviewer: Interviewer, conversation: Conversation, *, number: int, question: Question
    ) -> None:
        self._interviewer = interviewer
        self._conversation = conversation
        self._number = number  # the last question's number (response_received messages carry one)
        self._question = question  # the last question asked (the brain's context needs one)

    async def run(self) -> str:
        """Hold the close's questions; returns what to say before the goodbye ("" when nothing)."""
        phrases = self._interviewer.phrases
        line = await self._invitation()
        repeated = heard_yes = False
        answered = 0
        for _ in range(MAX_CLOSING_QUESTIONS + 2):  # a repeat of the invitation and a bare "yes" at most
            exchange = await self._interviewer.converse(
                self._number, "closing_questions", line, question=None
            )
            if exchange.answer is None:
                return ""
            said = exchange.model_copy(update={"answer": None})  # what was asked; the reply is the utterance
            context = TurnContext(question=self._question, exchanges=[said], stage="closing")
            reading = await self._interviewer.understand(context, exchange.answer)
            if reading.kind == "repeat_request" and not repeated:
                repeated = True
                continue
            if has_a_question(exchange.answer) and not heard_yes:  # "Yes, I do." and nothing more yet
                heard_yes = True
                line = phrases.go_ahead
                continue
            if reading.kind == "wants_to_stop" or not (
                reading.kind in ("question_for_interviewer", "clarification") or reading.say
            ):
                return ""
            said_back = reading.say or phrases.pass_on
            self._conversation.candidate_questions.append(
                CandidateQuestion(
                    question=exchange.answer[:2000],
                    asked_during="closing",
                    asked_at=exchange.answer_ended_at or self._interviewer.now_iso(),
                    said_back=said_back[:2000],
                    source="profile" if reading.say else "passed_on",
                )
            )
            answered += 1
            if answered == MAX_CLOSING_QUESTIONS:
                return said_back  # said before the goodbye
            line = f"{said_back} {phrases.anything_else}"
        return ""

    async def _invitation(self) -> str:
        """The invitation, after answering the questions kept from earlier, in the order they came."""
        phrases = self._interviewer.phrases
        kept = self._conversation.kept_questions()
        if not kept:
            return phrases.closing_questions
        answers = []
        answered = 0
        for index, earlier in enumerate(self._conversation.candidate_questions):
            if earlier.asked_during != "questions":
                continue
            answered += 1
            if answered > MAX_CLOSING_QUESTIONS:  # the rest go to the hiring team, said once for all
                self._conversation.candidate_questions[index] = earlier.model_copy(
                    update={"said_back": phrases.pass_on, "source": "passed_on"}
                )
                if answered == MAX_CLOSING_QUESTIONS + 1:
                    answers.append(phrases.pass_on)
                continue
            context = TurnContext(question=self._question, stage="closing")
            reading = await self._interviewer.understand(context, earlier.question)
            said_back = reading.say or phrases.pass_on
            self._conversation.candidate_questions[index] = earlier.model_copy(
                update={"said_back": said_back[:2000], "source": "profile" if reading.say else "passed_on"}
            )
            answers.append(phrases.earlier(_gist(earlier.question), said_back))
        return " ".join([phrases.earlier_questions, *answers, phrases.more_questions])


def _gist(text: str, words: int = QUOTED_WORDS) -> str:
    """The candidate's question as it is said back to them: its first words when it was long."""
    said = text.split()
    return " ".join(said) if len(said) <= words else " ".join(said[:words]) + " …"
