"""Which follow-up an answer gets: the probe for what it lacks, from the question's own probes first.

What an answer lacks, checked in this order on its substance (the injection screen's, so instructions
to the interviewer count for nothing):
- focus: more than `FOCUS_WORDS` words (a long answer is brought back to the candidate's own part);
- own_action: no sentence about something the candidate did ("I traced", "we rolled back");
- result: nothing about what came of it (a number, "reduced", "the outcome", ...);
- reasoning / example: fewer than `MIN_SUBSTANTIVE_WORDS` words, or none of the question's competencies'
  indicators: why they did it when the answer gives no reason (a concise answer that already says what the
  candidate did and what came of it is not asked "what did you do yourself"), else another example.
Nothing lacking, or `max_follow_ups` asked already: no follow-up. The probe is the question's own for that
target (`Question.all_probes()`, a probe for "any" as the next best), one not asked yet, else the generic
probe for the target. Non-answers never get a probe (the caller reads the turn first).
"""

from __future__ import annotations

import re

from interview_common.models.job_profile import JobProfile, ProbeTarget, Question

from interviewer.assessment import indicator_hits, screen_answer, word_count

FOCUS_WORDS = 250
MIN_SUBSTANTIVE_WORDS = 25
GENERIC_FOLLOW_UP = "Could you give me a specific example: what you did yourself, and what the result was?"
GENERIC_PROBES: dict[ProbeTarget, str] = {
    "focus": "In a sentence or two, what was your own part?",
    "own_action": GENERIC_FOLLOW_UP,
    "result": "What came of it in the end, and how did you know?",
    "reasoning": "Why did you choose that approach over the others?",
    "example": "Could you give me one specific situation where that happened?",
    "any": GENERIC_FOLLOW_UP,
}
_ACTOR = (
    r"\b(?:i|we|i've|we've|i'd|we'd|my team and i|me and my team)\s+(?:\w+ly\s+|then\s+|also\s+|first\s+|"
    r"just\s+|both\s+|all\s+|would\s+|had\s+|have\s+|eventually\s+|finally\s+)?"
)
_IRREGULAR = (
    "led|made|took|wrote|built|ran|found|chose|drew|told|gave|sent|set|put|brought|began|kept|got|went|saw|"
    "spoke|met|won|lost|cut|did|said|held|paid|bought|sold|taught|left|rewrote|broke|split|shut|read|hid|"
    "stood|understood|sat|came|became|thought|felt|knew|rebuilt|sped|fought|spent|dug|hit|let|sent|wound"
)
_OWN_ACTION = re.compile(
    _ACTOR + rf"(?:\w{{2,}}ed|{_IRREGULAR}|say|draw|ask|start|use|show|compare|explain|check|write|pick|tell|"
    r"describe|adapt|avoid|summari[sz]e|walk|begin|keep|give|call|track|test|measure|review|put|try|make|"
    r"build|run|set|split|talk|meet|go|find|fix|move|add|look)\b",
    re.IGNORECASE,
)
# Talk about oneself in general instead of a specific case ("I guess", "usually"): not an action.
_GENERIC = re.compile(
    r"\b(?:in general|generally|i guess|usually|always try|i would say|nobody is perfect|like everyone|"
    r"any job|every day|in my opinion|i tend to|i always)\b",
    re.IGNORECASE,
)
_RESULT = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand|half|twice|double)\b|"
    r"\b(?:result|results|resulted|outcome|reduced|increased|improved|saved|cut|shipped|launched|delivered|"
    r"faster|fewer|grew|doubled|halved|dropped|fell|rose|recovered|fixed|solved|resolved|worked|succeeded|"
    r"success|successful|learned|learnt|lesson|agreed|agreement|in the end|eventually|finally|since then|"
    r"afterwards|went live|released|promoted|approved|accepted|praised|thanked|happy|no longer|stopped|"
    r"never again|now we|from then on|ended up|turned out|it paid off|on time|met the deadline)\b",
    re.IGNORECASE,
)

# A result stated as a change or a measure ("went down by half", "30% fewer"), not just "it worked".
_MEASURED = re.compile(
    r"\d|\b(?:half|twice|double|third|quarter|reduced|increased|improved|saved|cut|halved|doubled|dropped|"
    r"fell|rose|fewer|faster|slower|went (?:down|up)|came down|grew)\b",
    re.IGNORECASE,
)
_REASONING = re.compile(
    r"\b(?:because|so that|since|the reason|in order to|to make sure|decided|chose|choose|option|options|"
    r"trade-?offs?|instead of|rather than|weighed|compared)\b",
    re.IGNORECASE,
)


def answer_lacks(profile: JobProfile, question: Question, answer: str) -> ProbeTarget | None:
    """What the answer so far lacks most (None: nothing; it needs no follow-up)."""
    sentences = screen_answer(profile, question, answer).substance
    substance = " ".join(sentences)
    words = word_count(substance)
    if words > FOCUS_WORDS:
        return "focus"
    if not any(_OWN_ACTION.search(s) and not _GENERIC.search(s) for s in sentences):
        return "own_action"
    if not _RESULT.search(substance):
        return "result"
    competencies = [profile.competency(cid) for cid in question.competencies]
    if words < MIN_SUBSTANTIVE_WORDS or not any(indicator_hits(substance, c) for c in competencies):
        # Short, but with the candidate's own action and its result: ask why, not "what did you do".
        if _MEASURED.search(substance) and not _REASONING.search(substance):
            return "reasoning"
        return "example"
    return None


def pick_probe(question: Question, target: ProbeTarget, asked: list[str]) -> str:
    """The question's probe for `target` not asked yet (an "any" probe next), else the generic one."""
    said = {text.strip().lower() for text in asked}
    probes = [probe for probe in question.all_probes() if probe.text.strip().lower() not in said]
    for wanted in (target, "any"):
        for probe in probes:
            if probe.missing == wanted:
                return probe.text
    # An answer too thin to show the competency: the question's own probe (written for it) fits best.
    if target in ("example", "any") and question.follow_up and question.follow_up.strip().lower() not in said:
        return question.follow_up
    generic = GENERIC_PROBES[target]
    if generic.strip().lower() in said:
        generic = GENERIC_PROBES["any"] if target != "any" else GENERIC_PROBES["example"]
    return generic


def follow_up_for(
    profile: JobProfile, question: Question, answer: str, *, asked: list[str], limit: int
) -> str | None:
    """The follow-up for what the answer lacks, or None (nothing lacking, or `limit` probes asked)."""
    if len(asked) >= limit:
        return None
    target = answer_lacks(profile, question, answer)
    if target is None:
        return None
    return pick_probe(question, target, asked)
