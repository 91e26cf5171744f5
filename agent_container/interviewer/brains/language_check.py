"""Which language a candidate spoke: stop-word profiles for the big European languages, scripts for others.

No model and no download: each language has a list of its commonest short words (articles, pronouns,
auxiliaries, conjunctions) and a few letters only it uses. A word shared by several lists counts for each
of them in equal part, so shared words ("de", "a") cannot decide alone. A text whose letters are mostly
of another script (Cyrillic, Greek, Arabic, Hebrew, Devanagari, Han/Kana, Hangul, Thai) is that
script's language. Short texts decide only when the evidence is clear; otherwise the answer is None.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_STOP_WORDS: dict[str, str] = {
    "en": (
        "the and is are was were i you we it that this of to in for with my have has had not but what do "
        "did be on at they he she so because about would could there which from as an a me our us your "
        "been am i'm it's don't didn't can't i've we're they're when then just really like think know "
        "also very if or one time how why who where yes yeah no they them their its all some any more "
        "it was out up get got make made work worked project team colleague sorry again can good question "
        "hmm okay ok um uh er please thanks thank repeat sure well right come say mean skip next stop"
    ),
    "es": (
        "el la los las que de y en un una es por con para pero mi yo lo se del al como más muy fue era "
        "hice tengo estoy equipo proyecto cuando porque también sí esto eso está puede sobre nosotros "
        "hemos he ha su sus le les me mis ser estaba tenía pregunta sé gracias hola vale bueno entonces "
        "trabajo trabajé empresa hicimos fui donde qué cómo creo pues usted repetir puedo siguiente "
        "quiero nada algo ejemplo ahora aquí soy tiene hay hacer lo siento entiendo puede hablo tuve "
        "tuvimos nuestro nuestra jefe"
    ),
    "fr": (
        "le la les de des du et est un une je j que qui pour pas avec dans sur mon ma mes nous vous ce "
        "cette était ai avons mais très aussi c'est suis équipe projet parce quand où sais ne il elle on "
        "au aux son sa ses leur été fait j'ai question merci bonjour alors donc travail travaillé "
        "entreprise pouvez répéter peux suivante veux rien quelque exemple maintenant ici avait comment "
        "pourquoi oui ça c'était comprends s'il plaît j'étais notre nos "
        "votre"
    ),
    "de": (
        "der die das und ist ich nicht ein eine zu mit wir es den dem auf für von sie war habe haben "
        "auch aber wie dass mein meine einen bei wenn weil noch sehr im ins vom zum zur sind hat hatte "
        "wurde werden kann können mich mir uns unser unsere frage danke hallo also dann arbeit "
        "gearbeitet firma projekt bitte wiederholen nächste möchte nichts etwas beispiel jetzt hier "
        "weiß warum ja nein doch schon oder verstehe leider wir haben ganz "
        "nicht"
    ),
    "pt": (
        "o a os as que de e do da dos das em um uma é não para com eu meu minha mas foi nós como mais "
        "muito também isso este esta era tenho estou equipe equipa projeto quando porque você no na "
        "nos nas ao pelo pela seu sua fiz fizemos tinha estava pergunta obrigado obrigada olá então "
        "trabalho trabalhei empresa pode repetir posso próxima quero nada algo exemplo agora aqui sei "
        "sou tem há fazer sim"
    ),
    "it": (
        "il lo la i gli le di e è che un una per non con mi io sono ho abbiamo mio mia ma anche come più "
        "molto questo questa quello era stato perché quando squadra progetto del della dei delle nel "
        "nella al alla si ci ne suo sua fatto avevo ero domanda grazie ciao allora quindi lavoro "
        "lavorato azienda può ripetere posso prossima voglio niente qualcosa esempio adesso qui so "
        "sì abbiamo cosa"
    ),
    "nl": (
        "de het een en is ik niet van dat die op te met voor we wij maar ook was heb hebben mijn als bij "
        "naar om er zijn dit wat hoe waarom toen dan nog heel wel geen ons onze jullie u je jij vraag "
        "dank bedankt hallo dus werk gewerkt bedrijf kunt herhalen volgende wil niets iets voorbeeld nu "
        "hier weet ja nee"
    ),
    "pl": (
        "nie jest się w na i z że do to jak przepraszam rozumiem pytanie pytania tak czy mam jestem był "
        "była było pracowałem pracowałam moim moja mój zespół projekt firmie ale też bardzo kiedy "
        "ponieważ wiem może proszę dziękuję powtórzyć"
    ),
    "tr": (
        "bir ve bu da de için ile ben biz çok ama gibi daha var yok evet hayır özür dilerim soruyu "
        "anlamadım tekrar eder misiniz lütfen teşekkür ederim çalıştım ekibim proje şirket"
    ),
}
STOP_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _STOP_WORDS.items()
}
# Letters that only some of the languages use (one point for each language that uses them).
_LETTERS: dict[str, str] = {
    "es": "ñ¿¡áéíóú",
    "fr": "çàèêâîôûëïœ",
    "de": "ßäöü",
    "pt": "ãõçáéíóúâêô",
    "it": "àèéìòù",
    "nl": "ĳë",
    "pl": "ąćęłńśźż",
    "tr": "ğış",
}
# Scripts whose letters are a language of their own for our purpose (the first word of the Unicode name).
_SCRIPTS: dict[str, str] = {
    "CYRILLIC": "ru",
    "GREEK": "el",
    "ARABIC": "ar",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "THAI": "th",
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
MIN_EVIDENCE = 2.0  # at least two words' worth of evidence for the winning language
MARGIN = 2.0  # and at least twice the runner-up's


@dataclass(frozen=True)
class LanguageGuess:
    language: str | None  # BCP 47 primary tag, None when unclear
    scores: dict[str, float]


def _script_language(text: str) -> str | None:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    counts: Counter[str] = Counter()
    for ch in letters:
        name = unicodedata.name(ch, "")
        first = name.split(" ", 1)[0]
        if first in _SCRIPTS:
            counts[_SCRIPTS[first]] += 1
    if not counts:
        return None
    language, count = counts.most_common(1)[0]
    return language if count * 2 >= len(letters) else None


def guess_language(text: str) -> LanguageGuess:
    """The language of `text` by its script or its commonest words; None when the evidence is unclear."""
    script = _script_language(text)
    if script is not None:
        return LanguageGuess(script, {script: float(len(text))})
    lowered = text.lower().replace("’", "'")
    scores: dict[str, float] = dict.fromkeys(STOP_WORDS, 0.0)
    for word in _WORD.findall(lowered):
        holders = [lang for lang, words in STOP_WORDS.items() if word in words]
        for lang in holders:
            scores[lang] += 1.0 / len(holders)
    for lang, letters in _LETTERS.items():
        scores[lang] += 0.5 * sum(1 for ch in lowered if ch in letters)
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top >= MIN_EVIDENCE and top >= MARGIN * second:
        return LanguageGuess(best, scores)
    return LanguageGuess(None, scores)


def spoken_language(text: str, expected: str) -> str | None:
    """The language `text` is in when it is clearly not `expected`, else None.

    Clearly: another language's evidence is at least `MIN_EVIDENCE` and `MARGIN` times the expected
    language's (which of two close languages it is, Spanish or Portuguese, matters less than that)."""
    guess = guess_language(text)
    if guess.language is not None:
        return None if guess.language == expected else guess.language
    others = {lang: score for lang, score in guess.scores.items() if lang != expected}
    if not others:
        return None
    best = max(others, key=lambda lang: others[lang])
    if others[best] >= MIN_EVIDENCE and others[best] >= MARGIN * guess.scores.get(expected, 0.0):
        return best
    # Three words or more and not one of the expected language's commonest: the other language.
    if guess.scores.get(expected, 0.0) == 0.0 and others[best] >= 1.0 and len(_WORD.findall(text)) >= 3:
        return best
    return None
