"""The offline brain's reading of a candidate's turn (brains.turn_rules), as a candidate would speak.

Every phrasing here is written for these tests, none is taken from bench/data/conversation_turns.json
(a test below checks that), so the bench's figures stay an honest measure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from interview_common.models.job_profile import DEFAULT_PROFILE, FaqEntry, JobProfile, Question
from interview_common.models.turn import Exchange
from interviewer.brains.language_check import spoken_language
from interviewer.brains.offline import OfflineBrain
from interviewer.brains.turn_rules import answer_from_profile, clarification_for
from interviewer.ports import TurnContext, TurnReading

PROBLEM = DEFAULT_PROFILE.questions[1]
CONFLICT = DEFAULT_PROFILE.questions[2]
BENCH = Path(__file__).resolve().parents[3] / "bench" / "data" / "conversation_turns.json"


async def read(
    text: str, *, question: Question = CONFLICT, stage: str = "question", profile: JobProfile | None = None
) -> TurnReading:
    context = TurnContext(question=question, stage=stage)
    return await OfflineBrain().understand_turn(profile or DEFAULT_PROFILE, context, text)


ANSWERS = [
    "Last year our nightly import started failing. I read the stack traces, found a changed date"
    " format from the vendor, and I added a parser for both formats. The import has not failed since.",
    "Yes, three times: each time I paired with the new hire for a week and wrote down what confused them.",
    "I argued with our data lead about deleting old records. I asked legal, showed her their answer,"
    " and we agreed to archive instead of delete.",
    "We had to repeat the load test twice because the first results looked wrong, so I checked the"
    " test machine, found it was throttled, and reran it on a clean one.",
    "My manager told me to skip the documentation, but I wrote a one-page summary anyway and it saved"
    " the next team a week.",
    "I don't know if this is what you want, but I set up the first on-call rotation in my team and"
    " wrote the runbooks for it.",
    "Um, so, uh, I rebuilt the search page, it was slow, I added caching, and it got four times"
    " faster. Does that make sense?",
    "I explained the budget problem to the board with one chart, and they approved the extra hire. I"
    " hope that answers your question.",
    "Honestly I think the best one is when I moved our builds to a faster runner and cut waiting from"
    " 30 minutes to 8.",
    "Me and my colleague we are not agree about the design, so I make two small demo and we choose"
    " together the faster one.",
    "I don't know Kubernetes well, but I set up our cluster anyway.",
    "My manager said let's stop here and ship what we have, so I cut the last two features.",
    "Good question. We rebuilt the billing system.",
    "No idea was too small for our team. I ran the brainstorm.",
    "I told him: can you repeat that? He explained again, slower, and I drew it on the board.",
    "I can't say much because of an NDA, but I built the recommendation engine.",
    "I stopped the release.",
    "We skipped the tests and it broke production.",
    "Yes, I have.",
    "Yep.",
    "Mostly SQL.",
]


@pytest.mark.parametrize("text", ANSWERS)
async def test_answers_of_every_shape_are_answers(text: str) -> None:
    # Given an answer (long, short, hesitant, with request words inside it, ending with a check-in,
    # non-native), When it is read, Then it is an answer
    reading = await read(text)
    assert reading.kind == "answer", reading.reason


CASES = {
    "repeat_request": [
        "Sorry, could you ask me that one more time?",
        "I'm sorry, the line was choppy. What was the question?",
        "Would you say it again, please?",
        "Can I have the question again?",
        "Excuse me?",
    ],
    "clarification": [
        "When you say a difficult problem, do you mean at work?",
        "Does it need to be a conflict with my boss, or can it be anyone?",
        "I'm not sure what you're asking here.",
        "Could you word it differently?",
        "What counts as a stakeholder in this case?",
    ],
    "skip_request": [
        "Could I skip this question?",
        "I would prefer not to answer this one.",
        "Can we go to the next one?",
        "Let's just move on, please.",
        "I'll pass on that one, sorry.",
    ],
    "needs_moment": [
        "Give me a few seconds to think.",
        "Hmm, let me think about it.",
        "Hold on a second, please.",
        "Oof, that's a hard one. One moment.",
        "Let me remember a good case.",
    ],
    "question_for_interviewer": [
        "How many questions are there in total?",
        "Is this role fully remote?",
        "Will the team be in the same timezone as me?",
        "Am I talking to a bot right now?",
    ],
    "non_answer": [
        "I really have no idea.",
        "Honestly, I can't think of an example.",
        "Nothing springs to mind.",
        "Uh, hmm, no.",
        "I haven't had anything like that.",
    ],
    "wants_to_stop": [
        "I would like to end the interview now.",
        "Sorry, I can't continue.",
        "I need to stop here, I'm not well.",
        "Could we end this now, please?",
        "I'm no longer interested, thanks.",
    ],
}


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, texts in CASES.items() for text in texts], ids=lambda v: v[:40]
)
async def test_requests_are_read_as_their_kind(kind: str, text: str) -> None:
    reading = await read(text)
    assert reading.kind == kind, reading.reason
    assert reading.follow_up is None  # never a probe for what is not an answer


async def test_a_request_to_stop_outranks_a_request_to_skip() -> None:
    # Given a turn with two requests, When it is read, Then the stronger one wins
    assert (await read("Skip it. Actually, I want to stop the interview.")).kind == "wants_to_stop"


async def test_a_clarification_says_the_questions_own_clarification_when_the_profile_has_one() -> None:
    # Given a question whose profile gives a clarification
    question = CONFLICT.model_copy(update={"clarification": "Any disagreement at work counts, big or small."})
    # When the candidate asks what it means
    reading = await read("What do you mean by stakeholder?", question=question)
    # Then the reading says the profile's words
    assert (reading.kind, reading.say) == ("clarification", "Any disagreement at work counts, big or small.")


def test_without_a_clarification_a_neutral_rewording_is_made_from_the_question() -> None:
    say = clarification_for(PROBLEM)
    assert say.startswith("Put simply, I'd like to hear about a difficult problem you solved")
    assert "right answer" in say


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Sí, trabajé dos años en un banco como analista de datos.", "es"),
        ("Je préfère répondre en français si c'est possible.", "fr"),
        ("Ich habe das Projekt alleine geleitet und es war ein Erfolg.", "de"),
        ("Eu não tenho certeza do que você quer dizer.", "pt"),
        ("Ho lavorato in un gruppo di sei persone per due anni.", "it"),
        ("Я работал в банке три года.", "ru"),
    ],
)
async def test_turns_in_another_language_are_read_as_such_with_the_language(text: str, language: str) -> None:
    reading = await read(text)
    assert (reading.kind, reading.language) == ("other_language", language)


async def test_a_language_the_profile_allows_is_an_answer() -> None:
    # Given a profile that allows Spanish, When a candidate answers in Spanish, Then it is an answer
    profile = DEFAULT_PROFILE.model_copy(update={"allowed_languages": ["es"]})
    reading = await read("Sí, trabajé dos años en un banco como analista de datos.", profile=profile)
    assert (reading.kind, reading.language) == ("answer", "es")


@pytest.mark.parametrize(
    "text",
    [
        "I worked at Banco Santander in Madrid on the payments team.",
        "We used Django and PostgreSQL, and I wrote the migration scripts.",
        "I moved to Berlin for a job at Zalando and led the checkout rewrite.",
    ],
)
def test_english_with_foreign_names_is_english(text: str) -> None:
    assert spoken_language(text, "en") is None


async def test_an_english_answer_in_a_spanish_interview_is_another_language() -> None:
    profile = DEFAULT_PROFILE.model_copy(update={"language": "es"})
    reading = await read("I led the migration of our billing system to the cloud last year.", profile=profile)
    assert (reading.kind, reading.language) == ("other_language", "en")


# -- the close ------------------------------------------------------------------------------------

CLOSE_PROFILE = DEFAULT_PROFILE.model_copy(
    update={
        "about": "The team runs the checkout for 40 online shops. The job is based in Porto, with two"
        " remote days a week.",
        "faq": [
            FaqEntry(
                question="When will I hear back?",
                answer="You will hear from us by email within five working days.",
            ),
            FaqEntry(
                question="Is there a training budget?",
                answer="Yes: 1,500 euros a year for courses and conferences.",
            ),
        ],
    }
)


@pytest.mark.parametrize(
    ("text", "say"),
    [
        ("How soon will I hear back from you?", "You will hear from us by email within five working days."),
        (
            "Do you have a budget for training or conferences?",
            "Yes: 1,500 euros a year for courses and conferences.",
        ),
        ("Can I work remotely some days?", "The job is based in Porto, with two remote days a week."),
    ],
)
async def test_at_the_close_a_question_is_answered_from_the_profile(text: str, say: str) -> None:
    reading = await read(text, stage="closing", profile=CLOSE_PROFILE)
    assert reading.kind == "question_for_interviewer"
    assert reading.say == say


async def test_at_the_close_a_question_the_profile_does_not_answer_is_passed_on() -> None:
    reading = await read("What is the parental leave policy?", stage="closing", profile=CLOSE_PROFILE)
    assert (reading.kind, reading.say) == ("question_for_interviewer", None)


@pytest.mark.parametrize(
    "text", ["No, I'm good, thank you.", "Nothing else from my side.", "No questions from me."]
)
async def test_at_the_close_no_questions_is_an_answer_with_nothing_to_say(text: str) -> None:
    reading = await read(text, stage="closing", profile=CLOSE_PROFILE)
    assert (reading.kind, reading.say) == ("answer", None)


def test_the_profiles_faq_is_matched_on_meaning_words_not_on_any_shared_word() -> None:
    assert answer_from_profile(CLOSE_PROFILE, "What is the weather like today?") is None


async def test_the_reading_is_deterministic() -> None:
    texts = ["Could you say that again?", "I don't know.", ANSWERS[0]]
    first = [await read(text) for text in texts]
    second = [await read(text) for text in texts]
    assert first == second


async def test_earlier_answers_on_the_question_count_for_the_follow_up() -> None:
    # Given a first answer on record that names the candidate's own action but no result
    exchanges = [
        Exchange(
            kind="question",
            prompt=CONFLICT.text,
            asked_at="t",
            answer="I argued with a colleague about tests.",
            reply_kind="answer",
        )
    ]
    context = TurnContext(question=CONFLICT, exchanges=exchanges, max_follow_ups=2)
    # When the candidate adds a result and more detail
    reading = await OfflineBrain().understand_turn(
        DEFAULT_PROFILE,
        context,
        "We agreed to add tests to every pull request, and our team's bugs fell by half over the"
        " quarter after.",
    )
    # Then the whole answer so far has what was missing: no follow-up
    assert (reading.kind, reading.follow_up) == ("answer", None)


def test_no_phrasing_here_is_taken_from_the_bench_set() -> None:
    bench = {turn["text"].strip().lower() for turn in json.loads(BENCH.read_text(encoding="utf-8"))["turns"]}
    ours = set(ANSWERS) | {text for texts in CASES.values() for text in texts}
    assert not {text for text in ours if text.strip().lower() in bench}


# -- interviews held in, or allowing, another language ---------------------------------------------

SPANISH_ALLOWED = DEFAULT_PROFILE.model_copy(update={"allowed_languages": ["es", "fr", "de", "pt", "it"]})


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("¿Me puede repetir la pregunta, por favor?", "repeat_request"),
        ("Prefiero no contestar a esta.", "skip_request"),
        ("Pardon, je ne comprends pas ce que vous demandez.", "clarification"),
        ("Einen Moment bitte, ich muss kurz überlegen.", "needs_moment"),
        ("Desculpe, não sei responder.", "non_answer"),
        ("Vorrei terminare il colloquio adesso.", "wants_to_stop"),
        ("Sí, en mi último trabajo lideré la migración de la base de datos y reduje los errores.", "answer"),
    ],
)
async def test_in_an_allowed_language_requests_are_read_in_that_language(text: str, kind: str) -> None:
    reading = await read(text, profile=SPANISH_ALLOWED)
    assert reading.kind == kind, reading.reason
    assert reading.language in {"es", "fr", "de", "pt", "it"}


async def test_an_interview_held_in_spanish_reads_spanish_requests() -> None:
    profile = DEFAULT_PROFILE.model_copy(update={"language": "es"})
    reading = await read("Perdone, ¿puede repetir la pregunta?", profile=profile)
    assert (reading.kind, reading.language) == ("repeat_request", None)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Said after the reassurance ("I can rephrase it, or we can come back to it at the end")
        ("Yes, please rephrase.", "clarification"),
        ("Later, please.", "skip_request"),
        # Still nothing, with a word between "I" and the verb
        ("I really can't think of one.", "non_answer"),
        ("I'm sorry, I still don't have an example.", "non_answer"),
        ("Sorry, I still have nothing.", "non_answer"),
    ],
)
async def test_replies_to_the_reassurance_are_read_as_what_they_ask(text: str, kind: str) -> None:
    # Given the candidate was reassured after a non-answer, When they reply, Then the reply is read as asked
    assert (await read(text)).kind == kind


async def test_an_answer_that_opens_with_still_or_later_stays_an_answer() -> None:
    # Given answers that start like the replies above, When read, Then they are answers
    assert (await read("Later we moved the team to the new process and I ran the rollout.")).kind == "answer"
    still = (
        "I still can't recall the tool's name, but I rewrote the deploy script: deploys take ten minutes now."
    )
    assert (await read(still)).kind == "answer"


async def test_still_nothing_after_the_reassurance_is_a_non_answer() -> None:
    # Given the candidate was reassured, When they still have nothing, Then it is no answer to probe
    assert (await read("Still nothing, I'm sorry.")).kind == "non_answer"
