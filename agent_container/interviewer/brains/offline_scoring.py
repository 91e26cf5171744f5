"""How the offline brain scores an answer: described actions, reasons and results, not chosen words.

The rules read what the candidate says they did, how and with what result, in any tense ("I deploy",
"I deployed", "I'd deploy"), with or without hedges ("I think", "maybe"), numbers in digits or words
("33 percent", "about a third"), and in plain words as much as in the rubric's. They are rules, not
language understanding: a person reads the answers.

Each distinct sentence of substance (the injection screen has already removed flagged text; questions
such as "Does that answer the question?" are set aside) is read for five facets of a described example:
- action:     the candidate's own action ("I rebuilt", "I deploy", "I'd start", "me and my colleague we fix")
- steps:      two or more sentences with the candidate's own actions (a course of action, not one act)
- reasoning:  why ("because", "so that", "to make sure", "instead of", "we weighed", "chose")
- result:     what came of it (a number or quantity, or an outcome: "went live", "dropped", "nothing broke")
- ownership:  a role owned or a lesson drawn ("I was the main developer", "it was on me", "since then",
              "next time I would", "now I always")
A competency's level is 1 + the facets shown (at most 5), where steps, reasoning, result and ownership
count only once the candidate's own action is there (without one: at most 2). Then the competency's
own signals cap it: none at 3, one at 4, two or more allow 5. Its signals are the stems of its
indicators, name and description, and, for the kinds of competency the rules know (problem solving,
collaboration, communication, ownership), everyday words for them; a customer's own competency works
through its indicators, name and description.
Length buys nothing: each facet counts once, however many sentences show it, and repeated or padded
sentences show nothing new. Evidence: up to three sentences that show the most facets and signals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from interview_common.models.assessment import CompetencyAssessment
from interview_common.models.job_profile import Competency

from interviewer.brains.language_check import spoken_language
from interviewer.injection import normalise

MAX_EVIDENCE = 3
MIN_WORDS_FOR_EXAMPLE = 12  # fewer words of substance cannot describe a case: at most level 2
FOCUS_SIGNALS = 3  # distinct signals of the competency that show the answer is about it
MIN_EVIDENCE_WORDS = 4
FACET_NAMES = ("action", "steps", "reasoning", "options", "result", "measured", "role", "lesson", "focus")
DEPTH_FACETS = FACET_NAMES[1:]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# -- a small stemmer: inflections and British/American spellings meet ------------------------------

_IRREGULAR = {
    "built": "build",
    "ran": "run",
    "led": "lead",
    "made": "make",
    "took": "take",
    "wrote": "write",
    "written": "write",
    "found": "find",
    "chose": "choose",
    "chosen": "choose",
    "drew": "draw",
    "drawn": "draw",
    "told": "tell",
    "gave": "give",
    "given": "give",
    "sent": "send",
    "brought": "bring",
    "began": "begin",
    "begun": "begin",
    "kept": "keep",
    "got": "get",
    "went": "go",
    "gone": "go",
    "saw": "see",
    "seen": "see",
    "spoke": "speak",
    "met": "meet",
    "won": "win",
    "lost": "lose",
    "did": "do",
    "done": "do",
    "said": "say",
    "held": "hold",
    "paid": "pay",
    "bought": "buy",
    "sold": "sell",
    "taught": "teach",
    "left": "leave",
    "rewrote": "rewrite",
    "broke": "break",
    "broken": "break",
    "understood": "understand",
    "thought": "think",
    "felt": "feel",
    "knew": "know",
    "fell": "fall",
    "fallen": "fall",
    "rose": "rise",
    "risen": "rise",
    "grew": "grow",
    "grown": "grow",
    "sat": "sit",
    "stood": "stand",
    "caught": "catch",
    "learnt": "learn",
    "spent": "spend",
    "set": "set",
    "put": "put",
    "cut": "cut",
    "shut": "shut",
    "split": "split",
    "read": "read",
    "fed": "feed",
    "dealt": "deal",
    "meant": "mean",
    "taken": "take",
    "came": "come",
    "became": "become",
    "ate": "eat",
    "drove": "drive",
    "driven": "drive",
    "shown": "show",
    "hid": "hide",
    "lit": "light",
    "analyses": "analyze",
    "analysis": "analyze",
    "better": "good",
    "best": "good",
    "worse": "bad",
    "children": "child",
    "people": "person",
    "men": "man",
    "women": "woman",
}


# Stems that would turn a word into another, common one ("noted" -> "not"): the word is kept whole.
_FUNCTION_WORDS = frozenset(
    ["not", "no", "nor", "but", "bed", "red", "wed", "her", "his", "him", "our", "out", "own"]
)


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude stem: "analysed", "analyzing", "analyses" -> "analyz"; "caching", "cache" -> "cach"."""
    word = word.lower().strip("'")
    original = word = _IRREGULAR.get(word, word)
    if len(word) <= 3:
        return word
    word = re.sub(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$", r"iz\1", word)
    word = re.sub(r"(?<=[a-z]{2})ys(e|ed|es|ing)$", r"yz\1", word)
    for suffix, keep in (
        ("ations", ""),
        ("ation", ""),
        ("ments", ""),
        ("ment", ""),
        ("ingly", ""),
        ("edly", ""),
        ("ies", "y"),
        ("ied", "y"),
        ("ying", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ly", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue
            if suffix == "es" and not word.endswith(("ses", "xes", "zes", "ches", "shes", "oes")):
                word = word[:-1]
                break
            word = word[: -len(suffix)] + keep
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # stopp -> stop, plann -> plan
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word if word not in _FUNCTION_WORDS else original


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'").replace("‘", "'"))


def stems(text: str) -> list[str]:
    return [stem(token) for token in tokens(text)]


def _stem_phrases(phrases: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(dict.fromkeys(tuple(stems(phrase)) for phrase in phrases if stems(phrase)))


def _has_phrase(sentence_stems: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(sentence_stems[i : i + size]) == phrase for i in range(len(sentence_stems) - size + 1))


# -- hedges and questions: what does not change what the candidate did ------------------------------

_HEDGES = re.compile(
    r"\b(like i said|as i said|as i mentioned|like i mentioned|as i say|i think|i guess|i believe|i suppose|"
    r"i'd say|i would say|i feel like|kind of|sort of|maybe|perhaps|"
    r"probably|possibly|roughly|more or less|to be honest|honestly|basically|actually|you know|i mean|"
    r"if i remember (correctly|right)|as far as i remember|i'm not sure but|a bit|somehow)\b,?",
    re.IGNORECASE,
)


def without_hedges(sentence: str) -> str:
    return normalise(_HEDGES.sub(" ", sentence))


def is_question(sentence: str) -> bool:
    """A question the candidate asks ("Does that answer the question?"): never scored, never quoted."""
    return sentence.rstrip().endswith("?")


# -- the facets ---------------------------------------------------------------------------------------

_ACTOR = re.compile(
    r"\b(i|we|i'd|we'd|i'll|we'll|i've|we've|i'm|we're|me and (my|the|our|a|him|her) ?\w*|my team and i|"
    r"the two of us|both of us|together we|myself)\b"
)
_SELF = re.compile(r"\b(i|i'd|i'll|i've|i'm|me and|my team and i|myself)\b")
# Words between the subject and its verb that say nothing about the action.
_SKIP = frozenset(
    [
        "then",
        "also",
        "just",
        "first",
        "quickly",
        "really",
        "even",
        "both",
        "all",
        "later",
        "finally",
        "immediately",
        "personally",
        "myself",
        "still",
        "again",
        "usually",
        "often",
        "would",
        "will",
        "'d",
        "'ll",
        "had",
        "have",
        "'ve",
        "has",
        "did",
        "do",
        "does",
        "could",
        "can",
        "should",
        "might",
        "must",
        "was",
        "were",
        "am",
        "'m",
        "are",
        "is",
        "been",
        "be",
        "being",
        "started",
        "start",
        "begin",
        "began",
        "decided",
        "decide",
        "tried",
        "try",
        "to",
        "and",
        "basically",
        "actually",
        "now",
        "soon",
        "afterwards",
        "after",
        "together",
        "directly",
        "straight",
        "away",
        "right",
        "carefully",
        "always",
        "once",
    ]
)
_NEGATION = frozenset(
    [
        "don't",
        "didn't",
        "never",
        "can't",
        "cannot",
        "couldn't",
        "won't",
        "wouldn't",
        "not",
        "no",
        "doesn't",
        "haven't",
        "hadn't",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
    ]
)
# After the subject: a state or an opinion, not an action.
_STATIVE = frozenset(
    [
        "think",
        "believe",
        "feel",
        "like",
        "love",
        "enjoy",
        "guess",
        "hope",
        "want",
        "wish",
        "prefer",
        "know",
        "mean",
        "remember",
        "suppose",
        "agree",
        "the",
        "a",
        "an",
        "good",
        "great",
        "bad",
        "proud",
        "happy",
        "sure",
        "able",
        "responsible",
        "calm",
        "positive",
        "honest",
        "fine",
        "ok",
        "okay",
        "around",
        "part",
        "involved",
        "not",
        "so",
        "very",
        "quite",
        "pretty",
        "really",
        "kind",
        "sort",
        "one",
        "someone",
        "somebody",
        "person",
        "type",
        "always",
        "usually",
        "generally",
        "get",
        "sometimes",
    ]
)
# Talk about oneself in general, whatever the verbs: no specific case is described.
_GENERIC = re.compile(
    r"\b(in general|generally speaking|any job|every job|nobody is perfect|like everyone|can't think|"
    r"cannot think|don't remember|do not remember|in my opinion|do my best|my best|hard worker|"
    r"team player|get along with|get on with|figure things out|as i go|stay calm|it depends|"
    r"overall i|work(ed|ing)? (very |really |so )?hard|need this job|(some|various|many|different|a lot of|"
    r"lots of|several|all kinds of) (projects|things|stuff|tasks|"
    r"problems|issues|teams|companies|jobs|situations)|as much as possible|strongest skills?|"
    r"easy to talk to|important skill|try to be|i really enjoy|"
    r"it just sorts itself out|works out)\b"
)
_ROLE = re.compile(
    r"\b(i was|i am|i'm|i've been|i had been)\b[^.;]{0,25}\b(in charge|responsible|accountable|the owner|"
    r"the lead|the main|on call|on-call)\b|"
    r"\b(i was|i am|i'm|i've been|i had been)\s+(the\s+|a\s+)?(main|lead|only|sole|senior|responsible|"
    r"in charge|on call|on-call|owner|project lead|person (on call|responsible|in charge)|point person|"
    r"accountable)\b|\b(it|that|this) (was|is) (on|up to|down to) me\b|\b(it|that|this) (was|is) my "
    r"(fault|mistake|call|decision|job|responsibility|idea)\b|\bmy (responsibility|job|role|part|fault|"
    r"mistake|decision|call) (was|is)\b|\bi (owned|own|led|lead|drove|drive|took (it )?on|take (it )?on|"
    r"took charge|take charge|took (full )?responsibility|take (full )?responsibility|volunteered|"
    r"took the lead|take the lead|stepped up|admitted|admit|said so|owned up)\b|\bwas mine to\b|"
    r"\bis mine to\b|\b(were|are|was|is) my part\b"
)
_LESSON = re.compile(
    r"\b((i|we|i've|we've|i have|we have|really|also) (learn\w*)|learn(ed|t) (to|that|from)|lesson\w*|"
    r"taught me|since then|ever since|from then on|next time|nowadays|in hindsight|looking back|"
    r"took (away )?from (it|this|that)|take from (it|this)|i have done that|i've done that|"
    r"has not happened again|hasn't happened again|never happened again|no repeat|"
    r"changed (how|the way|my)|change (how|the way|my)|now i\b|now we\b|these days|since$|"
    r"(added|add|adding|set up|introduced|built|wrote) (a |an |the )?(\w+ ){0,3}(step|check|checks|checklist|"
    r"rule|"
    r"alert|alarm|test|tests|warning|review|guide|runbook|handout|template|faq|note)\b|"
    r"turned (it|this|that|the \w+) into)"
)
_REASON = re.compile(
    r"\b(because|since (?!then)|so that|in order to|to make sure|to check|to see (what|if|whether|how|why)|"
    r"that's why|which is why|which meant|the reason|otherwise|turned out|worried|mattered|matters|why|"
    r"my guess|hypothes\w*|cared about|care about|matter(s|ed)? to them|so nobody|so people|so they|"
    r"so losing|so if|so each)\b"
)
# Options weighed: alternatives named, compared or chosen between.
_WEIGHED = re.compile(
    r"\b(rather than|trade-?offs?|weigh\w*|compar\w*|chose|choose|decided|decide|picked|pick|"
    r"went with|go with|safer|riskier|the risk|options?|alternatives?|either|both (versions|options|forms|"
    r"fixes|ways)|two (fixes|options|ways|versions|forms|approaches)|middle way|compromise|"
    r"which (one )?was)\b"
)
_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|hundred|hundreds|thousand|thousands|million|dozen|half|third|quarter|twice|double|doubled|"
    r"halved|tripled|fortnight|zero|none|one in \w+|not (a single|once|one)|nothing broke"
)
_MEASURE = re.compile(rf"\d|\b({_NUMBER_WORDS})\b|\bpercent\b|%|\bper cent\b")
# A measured change: "by about a third", "from 41 to 58 percent", "zero missed", "one in five".
_CHANGE = re.compile(
    r"\b(percent|per cent|from \S+ (\w+ )?to \S+|by (about |around |roughly |nearly |almost |over )?(a |an )?"
    r"(\d|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|half|third|quarter|"
    r"fifth|tenth)|zero|one in \w+|\w+ times (faster|more|fewer|less)|instead of \d|within \S+ (minutes|"
    r"hours|days|weeks|months)|within (a|an|one) (minute|hour|day|week|month)|measur\w*|"
    r"stayed (flat|the same|level|stable))\b|%"
)
_OUTCOME = re.compile(
    r"\b(result\w*|outcome|dropp\w*|drop|fell|fall|falls|rose|rise|rises|went (down|up|live|out)|go (down|up|"
    r"live)|goes (down|up|live)|cut|cuts|reduc\w*|increas\w*|improv\w*|sav(ed|es|ing)|grew|grow|faster|"
    r"slower|fewer|less|more (people|customers|users)|stopped|stop|stops|no longer|anymore|not \w+ again|"
    r"again|shipped|ship|launched|launch|delivered|deliver|went live|passed|pass|caught|catch|catches|"
    r"it worked|that worked|solved|resolved|fixed|approved|signed off|sign off|agreed|agree|on time|early|"
    r"ahead|"
    r"could tell|were able to|was able to|by the end|understood|got it|still use|explain (it )?back|"
    r"went smoothly|stayed (flat|the same|level|stable)|"
    r"could answer|can answer|could explain|tell it back|told it back|"
    r"finished|completed|done|switched (it )?(off|on)|took it out|removed|broke|breaks|happened|"
    r"instead of \d|from \w+ to|down to|up to|under|within)\b"
)


# A habit, not a case: "I usually ...", "I would always ...", "most of the time".
_TRAIT = re.compile(r"\b(i am|i'm) (a|an|the kind of|very|quite|really|pretty|good at|great at)\b")
_BE = frozenset(["am", "'m", "is", "are", "was", "were", "be", "been", "being"])
_HABITUAL = re.compile(
    r"\b(i|we)( would| 'd|'d)? (usually|generally|normally|typically|often|always|tend to)\b|"
    r"\b(most of the time|in general|whenever|if there (was|were|is) ever|if i ever|in my career|so far in)\b"
)
_HABIT = re.compile(r"^(always|usually|normally|generally|typically|often|tend|sometimes)$")


@dataclass(frozen=True)
class SentenceReading:
    """What one sentence shows (hedges aside)."""

    text: str
    own_action: bool  # the candidate's own action ("I ...")
    action: bool  # an action by the candidate or their group ("I ...", "we ...")
    reasoning: bool
    options: bool
    result: bool
    measured: bool
    role: bool
    lesson: bool
    generic: bool = False  # talk about oneself in general ("I am a team player", "I usually ...")
    stems: tuple[str, ...] = ()

    @property
    def weight(self) -> int:
        """How much the sentence shows, to pick evidence."""
        return sum(
            [self.action, self.reasoning, self.options, self.result, self.measured, self.role, self.lesson]
        )


def _has_action(sentence: str, actor: re.Pattern[str] = _ACTOR) -> bool:
    """A subject ("I", "we", "me and my colleague") followed by an action verb, in any tense; not a
    habit or a trait ("I usually talk to people", "I am a team player") and not a negation."""
    text = " ".join(tokens(sentence))
    if _GENERIC.search(text) or _HABITUAL.search(text):
        return False
    for match in actor.finditer(text):
        following = text[match.end() :].split()
        linked = False  # "I was", "I would be": what follows is a state unless it is "-ing"
        for word in following[:5]:
            if word in _NEGATION or _HABIT.match(word):
                break
            if word in _BE:
                linked = True
                continue
            if word in _SKIP:
                continue
            if word in _STATIVE or not word.isalpha() or len(word) < 2:
                break
            if linked and not word.endswith("ing"):
                break
            return True
    return False


def read_sentence(sentence: str) -> SentenceReading:
    plain = without_hedges(sentence)
    lowered = " ".join(tokens(plain))
    action = _has_action(plain)
    measure = bool(_MEASURE.search(lowered))
    outcome = bool(_OUTCOME.search(lowered))
    return SentenceReading(
        text=sentence,
        own_action=action and _has_action(plain, _SELF),
        action=action,
        reasoning=bool(_REASON.search(lowered)),
        options=bool(_WEIGHED.search(lowered)),
        result=outcome or measure,
        measured=bool(_CHANGE.search(lowered)) or (measure and outcome),
        role=bool(_ROLE.search(lowered)),
        lesson=bool(_LESSON.search(lowered)),
        generic=bool(_GENERIC.search(lowered) or _HABITUAL.search(lowered) or _TRAIT.search(lowered)),
        stems=tuple(stems(plain)),
    )


# -- what a competency is about ---------------------------------------------------------------------

# Everyday words for the kinds of competency the rules know; a competency takes a family when its id,
# name or description names it.
FAMILIES: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "problem_solving": (
        re.compile(r"problem|diagnos|solution|troubleshoot|debug|analy|reason|incident|root cause|restor"),
        (
            "look into",
            "looked at",
            "went through",
            "figure out",
            "found",
            "saw",
            "check",
            "test",
            "try",
            "tried",
            "measure",
            "cause",
            "why",
            "guess",
            "option",
            "fix",
            "compare",
            "narrow",
            "rule out",
            "reproduce",
            "log",
            "record",
            "data",
            "graph",
            "dashboard",
            "copy",
            "behind it",
            "slow",
            "instead",
            "safer",
            "problem",
            "broken",
            "fail",
            "error",
            "bug",
            "limit",
            "reason",
        ),
    ),
    "collaboration": (
        re.compile(r"collaborat|team|others|disagree|conflict|stakeholder|cooperat|relationship|together"),
        (
            "colleague",
            "coworker",
            "co-worker",
            "teammate",
            "team",
            "manager",
            "designer",
            "product owner",
            "customer",
            "client",
            "stakeholder",
            "he",
            "she",
            "him",
            "her",
            "his",
            "them",
            "together",
            "both",
            "two of us",
            "sat down",
            "talk",
            "discuss",
            "listen",
            "ask",
            "agree",
            "settle",
            "middle way",
            "compromise",
            "meet",
            "meeting",
            "room",
            "convince",
            "persuade",
            "share",
            "let him",
            "let her",
            "let them",
            "work well together",
            "involve",
            "bring in",
            "with me",
            "why it mattered",
            "explain why",
        ),
    ),
    "communication": (
        re.compile(r"communicat|explain|audience|present|clear|listener|document|writ"),
        (
            "explain",
            "show",
            "draw",
            "drawing",
            "sketch",
            "diagram",
            "picture",
            "example",
            "analogy",
            "compare",
            "simple",
            "plain",
            "technical word",
            "jargon",
            "audience",
            "already know",
            "tell it back",
            "understand",
            "summar",
            "one sentence",
            "note",
            "write",
            "wrote",
            "write up",
            "document",
            "present",
            "walk through",
            "walked",
            "guide",
            "memo",
            "page",
            "told",
            "repeat",
            "spare",
            "paper",
            "question",
            "each field",
        ),
    ),
    "ownership": (
        re.compile(r"ownership|responsib|accountab|mistake|learn|initiative|\bown\b"),
        (
            "on me",
            "in charge",
            "my fault",
            "my mistake",
            "mine",
            "main developer",
            "responsib",
            "own",
            "led",
            "lead",
            "drove",
            "took on",
            "took charge",
            "said so",
            "admit",
            "sorry",
            "apolog",
            "put right",
            "correct",
            "fix",
            "learn",
            "lesson",
            "since",
            "now i",
            "next time",
            "again",
            "change",
            "promise",
            "on time",
            "get it done",
            "deliver",
            "follow up",
            "check",
            "step",
            "added",
        ),
    ),
}
_GENERIC_WORDS = frozenset(
    stems(
        "a an and the of to in on for with by from or as at is are be that this their them they its it who "
        "what how when which other others able good well clear own work works working make makes way use "
        "uses using can could should would will shows show answer candidate describes names named level "
        "example problem person people result results real some one two things thing also just only more "
        "most very"
    )
)


@dataclass(frozen=True)
class CompetencyVocabulary:
    """The stems that show a competency: its indicators, words of its name and description, its family's."""

    phrases: tuple[tuple[str, ...], ...] = field(default_factory=tuple)
    families: tuple[str, ...] = ()

    @classmethod
    def of(cls, competency: Competency) -> CompetencyVocabulary:
        return _vocabulary(
            competency.id, competency.name, competency.description, tuple(competency.indicators)
        )

    def hits(self, sentence_stems: Iterable[str]) -> set[str]:
        seen = list(sentence_stems)
        return {" ".join(phrase) for phrase in self.phrases if _has_phrase(seen, phrase)}


@lru_cache(maxsize=256)
def _vocabulary(
    competency_id: str, name: str, description: str, indicators: tuple[str, ...]
) -> CompetencyVocabulary:
    about = f"{competency_id.replace('_', ' ')} {name} {description}".lower()
    families = tuple(family for family, (trigger, _) in FAMILIES.items() if trigger.search(about))
    words = [word for word in stems(f"{name} {description}") if word not in _GENERIC_WORDS]
    phrases = list(indicators) + [w for w in words if len(w) > 3]
    for family in families:
        phrases += FAMILIES[family][1]
    stemmed = tuple(phrase for phrase in _stem_phrases(phrases) if phrase and phrase[0] not in _GENERIC_WORDS)
    return CompetencyVocabulary(phrases=stemmed, families=families)


# -- the judgement ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    level: int
    facets: dict[str, bool]
    signals: list[str]
    evidence: list[str]
    rationale: str
    trace: str


def read_answer(substance: Iterable[str]) -> list[SentenceReading]:
    """The answer's distinct sentences of substance, read; questions to the interviewer set aside."""
    return [read_sentence(sentence) for sentence in substance if not is_question(sentence)]


def facets_of(readings: list[SentenceReading]) -> dict[str, bool]:
    own = [reading for reading in readings if reading.own_action]
    return {
        "action": bool(own) or any(reading.action and reading.role for reading in readings),
        "steps": len(own) >= 2,
        "reasoning": any(reading.reasoning for reading in readings),
        "options": any(reading.options for reading in readings),
        "result": any(reading.result for reading in readings),
        "measured": any(reading.measured for reading in readings),
        "role": any(reading.role for reading in readings),
        "lesson": any(reading.lesson for reading in readings),
    }


def level_for(facets: dict[str, bool], signals: int, words: int) -> tuple[int, int]:
    """(level, cap): the level the facets earn, capped by the competency's own signals (and, for an
    answer too short to describe a case, at 2)."""
    depth = sum(facets[name] for name in DEPTH_FACETS)
    if not facets["action"]:
        level = 2 if signals else 1
    else:
        level = 2 if depth == 0 else 3 if depth <= 3 else 4 if depth <= 5 else 5
    cap = 3 if signals == 0 else 4 if signals == 1 else 5
    if words < MIN_WORDS_FOR_EXAMPLE:
        cap = min(cap, 2)
    return min(level, cap), cap


def judge(competency: Competency, readings: list[SentenceReading]) -> Judgement:
    vocabulary = CompetencyVocabulary.of(competency)
    facets = facets_of(readings)
    signals = sorted(
        {hit for reading in readings if not reading.generic for hit in vocabulary.hits(reading.stems)}
    )
    facets["focus"] = facets["action"] and len(signals) >= FOCUS_SIGNALS
    words = sum(len(tokens(reading.text)) for reading in readings if reading.weight)
    level, cap = level_for(facets, len(signals), words)
    evidence = _evidence(readings, vocabulary) if readings else []
    if level > 2 and not evidence:
        level = 2
    rationale = _rationale(competency, facets, signals, vocabulary.families)
    own = sum(1 for reading in readings if reading.own_action)
    trace = (
        f"facets: {', '.join(name for name in FACET_NAMES if facets[name]) or 'none'}; "
        f"own-action sentences {own}; {competency.name} signals: {', '.join(signals[:8]) or 'none'} "
        f"(cap {cap}); level {level}"
    )
    return Judgement(level, facets, signals, evidence, rationale, trace[:600])


def _evidence(readings: list[SentenceReading], vocabulary: CompetencyVocabulary) -> list[str]:
    candidates = [
        (reading.weight + 2 * bool(vocabulary.hits(reading.stems)), index, reading.text)
        for index, reading in enumerate(readings)
        if len(tokens(reading.text)) >= MIN_EVIDENCE_WORDS
        and (reading.action or reading.role or reading.lesson or reading.measured)
    ]
    best = sorted(candidates, key=lambda item: (-item[0], item[1]))[:MAX_EVIDENCE]
    return [text for _, _, text in sorted(best, key=lambda item: item[1])]


_SHOWS = {
    "action": "what the candidate did themselves",
    "reasoning": "why",
    "options": "the options they weighed",
    "result": "the result",
    "role": "what they were responsible for",
    "lesson": "what they learned",
    "focus": "",
}
# What an answer lacks, most telling first; a rationale names at most MAX_LACKS of them.
_LACKS = {
    "result": "what the result was",
    "reasoning": "why they acted as they did",
    "lesson": "what they learned from it",
    "role": "what they were responsible for",
    "options": "what options they weighed",
}
MAX_LACKS = 2


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# What matters most for a kind of competency when it is missing, in order.
_LACKS_BY_FAMILY = {
    "problem_solving": ("result", "reasoning", "options"),
    "collaboration": ("result", "reasoning"),
    "communication": ("result", "reasoning"),
    "ownership": ("role", "lesson", "result"),
}
_LACKS_OTHERWISE = ("result", "reasoning", "lesson")


def _rationale(
    competency: Competency, facets: dict[str, bool], signals: list[str], families: tuple[str, ...] = ()
) -> str:
    """One or two plain sentences for a person: what the answer shows, and what it lacks."""
    name = competency.name.lower()
    if not facets["action"]:
        first = "The answer gives no specific example of something the candidate did"
        first += f"; it speaks of {name} only in general terms." if signals else "."
        return first + " A real case, what they did in it and what came of it would show more."
    relevant = (
        dict.fromkeys(key for family in families for key in _LACKS_BY_FAMILY[family]) or _LACKS_OTHERWISE
    )
    told = {"action", "result", *relevant}
    shown = [text for key, text in _SHOWS.items() if key in told and facets.get(key) and text]
    if facets["measured"] and facets["result"]:
        shown[shown.index("the result")] = "a measured result"
    first = f"On {name}, the answer shows {_join(shown)}"
    first += "." if signals else f", but little of it concerns {name}."
    missing = [_LACKS[key] for key in relevant if not facets[key]][:MAX_LACKS]
    second = f" It does not say {_join(missing)}." if missing else ""
    if not missing and len(signals) == 1 and "ownership" not in families:
        second = f" Little of what it describes is specific to {name} itself."
    return (first + second)[:400]


def assess_competency(competency: Competency, readings: list[SentenceReading]) -> CompetencyAssessment:
    judgement = judge(competency, readings)
    return CompetencyAssessment(
        competency_id=competency.id,
        level=judgement.level,
        rationale=judgement.rationale,
        evidence=judgement.evidence,
        rule_trace=judgement.trace,
    )


# -- answers the rules cannot assess ------------------------------------------------------------------

LANGUAGE_NAMES = {
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
}


def unassessable_reason(profile_language: str, substance: Iterable[str]) -> str | None:
    """Why the rules cannot assess this answer (they read English only), or None when they can."""
    if profile_language.split("-")[0].lower() != "en":
        return f"the offline rules read English only and this interview's language is {profile_language!r}"
    spoken = spoken_language(" ".join(substance), "en")
    if spoken is None:
        return None
    name = LANGUAGE_NAMES.get(spoken, f"another language ({spoken})")
    return f"the answer is in {name}, which the offline rules do not read; a person should read it"
