"""Requests in the other big European languages, for interviews held in one or allowing one.

The English rules (brains.turn_rules) read sentence by sentence; here a short turn (at most
`MAX_REQUEST_WORDS` words) is matched whole against a few common phrasings per kind and language, in
the same order of strength. Anything else is an answer: these lists exist so that "¿Puede repetir la
pregunta?" in an interview that allows Spanish is a request to repeat, not an answer to score.
"""

from __future__ import annotations

import re

from interview_common.models.turn import TurnKind

MAX_REQUEST_WORDS = 16

_PHRASES: dict[str, dict[TurnKind, tuple[str, ...]]] = {
    "es": {
        "wants_to_stop": (
            r"\b(?:quiero|quisiera|prefiero) (?:terminar|parar|dejar|acabar)\b",
            r"\bterminar la entrevista\b",
        ),
        "skip_request": (
            r"\b(?:saltar|pasar a la siguiente|siguiente pregunta|prefiero no (?:responder|contestar))\b",
        ),
        "repeat_request": (
            r"\brepetir\b",
            r"\bno (?:le |te )?(?:he )?(?:o[ií]do|escuch[eé])\b",
            r"\b(?:otra vez|de nuevo)\b",
        ),
        "clarification": (
            r"\bno entiendo\b",
            r"\bqu[eé] quiere decir\b",
            r"\b(?:se refiere|te refieres)\b",
            r"\bexplicar\b",
        ),
        "needs_moment": (
            r"\bun momento\b",
            r"\bd[eé]jeme pensar\b",
            r"\bd[eé]jame pensar\b",
            r"\bun segundo\b",
        ),
        "non_answer": (r"^no (?:lo )?s[eé]\b", r"\bno tengo (?:ni )?idea\b", r"\bno se me ocurre\b"),
    },
    "fr": {
        "wants_to_stop": (
            r"\b(?:je veux|je voudrais|j'aimerais) (?:arr[eê]ter|terminer)\b",
            r"\barr[eê]ter l'entretien\b",
        ),
        "skip_request": (
            r"\b(?:passer (?:[àa] la suivante|cette question)|question suivante)\b",
            r"\bje pr[ée]f[èe]re ne pas r[ée]pondre\b",
        ),
        "repeat_request": (
            r"\br[ée]p[ée]ter\b",
            r"\bje n'ai pas (?:entendu|compris la fin)\b",
            r"\bencore une fois\b",
        ),
        "clarification": (
            r"\bje ne comprends pas\b",
            r"\bqu'est-ce que vous voulez dire\b",
            r"\bc'est-[àa]-dire\b",
            r"\bexpliquer\b",
        ),
        "needs_moment": (
            r"\bun (?:moment|instant)\b",
            r"\blaissez-moi r[ée]fl[ée]chir\b",
            r"\bune seconde\b",
        ),
        "non_answer": (r"\bje ne sais pas\b", r"\baucune id[ée]e\b", r"\bje n'ai pas d'exemple\b"),
    },
    "de": {
        "wants_to_stop": (
            r"\b(?:ich m[öo]chte|ich will) (?:aufh[öo]ren|abbrechen|beenden)\b",
            r"\bdas interview beenden\b",
        ),
        "skip_request": (r"\b(?:[üu]berspringen|n[äa]chste frage|lieber nicht (?:antworten|beantworten))\b",),
        "repeat_request": (r"\bwiederholen\b", r"\bnicht (?:verstanden|geh[öo]rt)\b", r"\bnoch einmal\b"),
        "clarification": (
            r"\bwas meinen sie\b",
            r"\bich verstehe die frage nicht\b",
            r"\berkl[äa]ren\b",
            r"\bwie meinen sie das\b",
        ),
        "needs_moment": (
            r"\b(?:einen|ein) (?:moment|augenblick)\b",
            r"\blassen sie mich (?:kurz )?nachdenken\b",
            r"\beine sekunde\b",
        ),
        "non_answer": (
            r"\bich wei(?:ß|ss) (?:es )?nicht\b",
            r"\bkeine ahnung\b",
            r"\bmir f[äa]llt nichts ein\b",
        ),
    },
    "pt": {
        "wants_to_stop": (
            r"\b(?:quero|gostaria de|prefiro) (?:parar|terminar|encerrar)\b",
            r"\bencerrar a entrevista\b",
        ),
        "skip_request": (
            r"\b(?:pular|passar (?:para a pr[óo]xima|esta)|pr[óo]xima pergunta|prefiro n[ãa]o responder)\b",
        ),
        "repeat_request": (r"\brepetir\b", r"\bn[ãa]o (?:ouvi|escutei)\b", r"\bde novo\b"),
        "clarification": (r"\bn[ãa]o entendi\b", r"\bo que (?:voc[êe] )?quer dizer\b", r"\bexplicar\b"),
        "needs_moment": (r"\bum (?:momento|segundo)\b", r"\bdeixa-me pensar\b", r"\bdeixe-me pensar\b"),
        "non_answer": (r"\bn[ãa]o sei\b", r"\bn[ãa]o fa[çc]o ideia\b", r"\bnenhuma ideia\b"),
    },
    "it": {
        "wants_to_stop": (
            r"\b(?:voglio|vorrei|preferisco) (?:smettere|finire|terminare|fermarmi)\b",
            r"\bterminare il colloquio\b",
        ),
        "skip_request": (
            r"\b(?:saltare|passare alla prossima|prossima domanda|preferisco non rispondere)\b",
        ),
        "repeat_request": (r"\bripetere\b", r"\bnon ho sentito\b", r"\bancora una volta\b"),
        "clarification": (r"\bnon ho capito\b", r"\bcosa intende\b", r"\bspiegare\b", r"\bin che senso\b"),
        "needs_moment": (r"\bun (?:momento|attimo|secondo)\b", r"\bmi lasci pensare\b", r"\bfammi pensare\b"),
        "non_answer": (r"\bnon (?:lo )?so\b", r"\bnon ne ho idea\b", r"\bnessuna idea\b"),
    },
}
_ORDER: tuple[TurnKind, ...] = (
    "wants_to_stop",
    "skip_request",
    "repeat_request",
    "clarification",
    "needs_moment",
    "non_answer",
)
_COMPILED = {
    language: {kind: tuple(re.compile(p) for p in patterns) for kind, patterns in kinds.items()}
    for language, kinds in _PHRASES.items()
}
LANGUAGES = frozenset(_PHRASES)


def foreign_request(text: str, language: str) -> TurnKind | None:
    """The request a short turn in `language` makes, or None (an answer, or a language we have no list"
    " for)."""
    lowered = text.lower().replace("’", "'")
    if len(lowered.split()) > MAX_REQUEST_WORDS:
        return None
    # The language guessed first, then the others (Spanish and Portuguese are easily taken for each other).
    for candidate in (language, *sorted(LANGUAGES - {language})):
        kinds = _COMPILED.get(candidate, {})
        for kind in _ORDER:
            if any(pattern.search(lowered) for pattern in kinds.get(kind, ())):
                return kind
    return None
