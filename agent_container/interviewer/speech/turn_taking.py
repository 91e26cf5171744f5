"""When is the candidate's answer over? One rule, used in a LiveKit room and in the voice loopback.

1. Silero VAD cuts the audio into speech segments: a segment ends after `vad_min_silence` of silence.
2. Each segment is transcribed as soon as it ends (the STT is non-streaming).
3. The transcript so far either looks finished or not (`looks_finished`): an answer whose last word
   cannot end an English sentence ("...the reason was", "...and", "um"), or that trails off ("...",
   ",", "-"), is not finished.
4. The turn ends `min_delay` after the end of speech when it looks finished, `max_delay` after it when
   it does not; any speech before then continues the same turn. Never before its transcript is ready.

Numbers (tuned on Piper speech with Whisper tiny.en on 2 cores; tests/integration/speech and
bench/bench_voice.py): vad_min_silence 0.1 s, VAD thresholds 0.5/0.5, min_delay 0.6 s, max_delay 2.5 s.
The VAD places the end of speech ~0.1-0.17 s after the last word's energy ends, reports it 0.1 s later,
and one Whisper call takes ~0.45 s: a finished answer is taken as over ~0.7-0.8 s after its last word
(the transcript, not min_delay, is the bound). A thinking pause of up to ~2.3 s after an unfinished
clause does not end the turn. A pause of more than ~0.6 s after a sentence that looks complete does:
the candidate's next words start a new turn (in a room, livekit-agents' interruption handling covers
the agent starting to talk over them).

In a room the same rule runs inside livekit-agents' `AgentSession`: `AnswerCompletionDetector` is its
turn detector (a probability below `UNLIKELY_THRESHOLD` selects `max_delay`), `endpointing_options()`
its endpointing, and `TurnTakingConfig.load_vad()` its VAD.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from livekit.agents import vad as agents_vad
    from livekit.agents.language import LanguageCode
    from livekit.agents.llm import ChatContext

# Words after which an English sentence is not over: articles and possessives, prepositions,
# conjunctions and relative words, subject pronouns, modal verbs, and thinking noises.
_OPEN_ENDINGS = frozenset(
    " ".join(
        [
            "a an the my our your their his her its every each",
            "of to for with from into onto at by than between through towards via",
            "and but or nor because although whereas while unless until if whether that which whose",
            "i we they he she you",
            "would could should will can must might shall was were am",
            "um uh er erm ah hmm mm uhm like",
        ]
    ).split()
)
_TRAILING_OFF = ("...", "\u2026", ",", "-", "\u2014", "\u2013", ";", ":")
_WORD = re.compile(r"[a-z']+")

FINISHED_PROBABILITY = 0.95
UNFINISHED_PROBABILITY = 0.05
UNLIKELY_THRESHOLD = 0.5


def looks_finished(text: str) -> bool:
    """Whether a transcript reads like a complete answer (False for "...and the reason was")."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.endswith(_TRAILING_OFF):
        return False
    words = _WORD.findall(stripped.lower())
    if not words:
        return True
    return words[-1] not in _OPEN_ENDINGS


def end_of_turn_probability(text: str) -> float:
    return FINISHED_PROBABILITY if looks_finished(text) else UNFINISHED_PROBABILITY


class TurnTakingConfig(BaseModel):
    """The numbers of the end-of-turn rule (seconds)."""

    model_config = ConfigDict(frozen=True)

    vad_activation_threshold: float = Field(default=0.5, gt=0, lt=1)
    # Silero's default is activation - 0.15; equal thresholds place the end of speech ~0.1 s nearer
    # to the last word on Piper speech without cutting more segments.
    vad_deactivation_threshold: float = Field(default=0.5, gt=0, lt=1)
    vad_min_speech: float = Field(default=0.1, ge=0.03, le=1.0)
    vad_min_silence: float = Field(default=0.1, ge=0.05, le=2.0)
    vad_prefix_padding: float = Field(default=0.3, ge=0, le=1.0)
    min_delay: float = Field(default=0.6, ge=0, le=5.0)
    max_delay: float = Field(default=2.5, ge=0, le=10.0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.vad_min_silence <= self.min_delay < self.max_delay:
            raise ValueError("turn taking needs vad_min_silence <= min_delay < max_delay")
        if self.vad_deactivation_threshold > self.vad_activation_threshold:
            raise ValueError("turn taking needs vad_deactivation_threshold <= vad_activation_threshold")
        return self

    def delay_after(self, text: str) -> float:
        """How long after the end of speech the turn ends, given what was said."""
        return self.min_delay if looks_finished(text) else self.max_delay

    def endpointing_options(self) -> dict[str, Any]:
        """`AgentSession(turn_handling={"endpointing": ...})`."""
        return {"mode": "fixed", "min_delay": self.min_delay, "max_delay": self.max_delay}

    def load_vad(self) -> agents_vad.VAD:
        """Silero VAD (model bundled in livekit-plugins-silero) with these thresholds."""
        from livekit.plugins import silero

        return silero.VAD.load(
            min_speech_duration=self.vad_min_speech,
            min_silence_duration=self.vad_min_silence,
            prefix_padding_duration=self.vad_prefix_padding,
            activation_threshold=self.vad_activation_threshold,
            deactivation_threshold=self.vad_deactivation_threshold,
            sample_rate=16_000,
            force_cpu=True,
        )


class AnswerCompletionDetector:
    """livekit-agents turn detector (`AgentSession(turn_handling={"turn_detection": ...})`) that applies
    `looks_finished` to the candidate's transcript so far. Deterministic, no model, no network."""

    @property
    def model(self) -> str:
        return "answer-completion-rule"

    @property
    def provider(self) -> str:
        return "interviewer"

    async def unlikely_threshold(self, language: LanguageCode | None) -> float | None:
        return UNLIKELY_THRESHOLD

    async def supports_language(self, language: LanguageCode | None) -> bool:
        return language is None or str(language).lower().startswith("en")

    async def predict_end_of_turn(
        self,
        chat_ctx: ChatContext,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - livekit-agents' turn detector protocol
    ) -> float:
        for message in reversed(chat_ctx.messages()):
            if message.role == "user":
                return end_of_turn_probability(message.text_content or "")
        return FINISHED_PROBABILITY
