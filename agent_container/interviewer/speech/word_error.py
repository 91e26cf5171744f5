"""Word error rate: how far a transcript is from what was said (the usual STT quality figure)."""

from __future__ import annotations

import re

_NUMBER_WORDS = {
    "0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five",
    "6": "six", "7": "seven", "8": "eight", "9": "nine", "10": "ten",
}  # fmt: skip
_CONTRACTIONS = {
    "i'm": "i am", "you're": "you are", "we're": "we are", "they're": "they are", "it's": "it is",
    "that's": "that is", "there's": "there is", "i've": "i have", "we've": "we have", "they've": "they have",
    "i'd": "i would", "we'd": "we would", "i'll": "i will", "we'll": "we will", "let's": "let us",
    "don't": "do not", "doesn't": "does not", "didn't": "did not", "isn't": "is not", "wasn't": "was not",
    "aren't": "are not", "weren't": "were not", "can't": "can not", "cannot": "can not", "won't": "will not",
    "couldn't": "could not", "wouldn't": "would not", "shouldn't": "should not", "haven't": "have not",
}  # fmt: skip
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def normalised_words(text: str) -> list[str]:
    """Lower case words without punctuation, contractions expanded ("you're" is "you are") and small
    numbers spelt out ("2" is "two"), as the usual English normalisers do before counting errors."""
    words = _TOKEN.findall(text.lower().replace("\u2019", "'").replace("-", " "))
    expanded = " ".join(_CONTRACTIONS.get(word, _NUMBER_WORDS.get(word, word)) for word in words)
    return expanded.split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / words in `reference` (Levenshtein over words)."""
    errors, words = word_errors(reference, hypothesis)
    if words == 0:
        return 0.0 if errors == 0 else 1.0
    return errors / words


def corpus_word_error_rate(pairs: list[tuple[str, str]]) -> float:
    """Word error over several (reference, hypothesis) pairs: all errors over all reference words."""
    counts = [word_errors(reference, hypothesis) for reference, hypothesis in pairs]
    words = sum(w for _, w in counts)
    return sum(e for e, _ in counts) / words if words else 0.0


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edits, reference words): the word-level Levenshtein distance and the length it is taken over."""
    ref, hyp = normalised_words(reference), normalised_words(hypothesis)
    if not ref:
        return len(hyp), 0
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, hyp_word in enumerate(hyp, start=1):
            current[j] = min(
                previous[j] + 1,  # deletion
                current[j - 1] + 1,  # insertion
                previous[j - 1] + (ref_word != hyp_word),  # substitution or match
            )
        previous = current
    return previous[-1], len(ref)
