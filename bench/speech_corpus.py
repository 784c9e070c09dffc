"""Spoken dockets: corpus accuracy, and (with a Vosk model) accuracy and real-time factor on
synthesized telephone audio (espeak-ng voices → 8 kHz μ-law with noise).

    .venv/bin/python bench/speech_corpus.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import load_settings  # noqa: E402
from speech import engine  # noqa: E402
from speech.audio import MULAW, Audio, for_model, read_wav, wav_bytes  # noqa: E402
from speech.grammar import grammar  # noqa: E402
from speech.nbest import hypotheses  # noqa: E402
from speech.understand import read_docket  # noqa: E402
from tests.speech.corpus_eval import ON_FILE, YEAR, cases, on_file, verdict  # noqa: E402
from tests.speech.make_corpus import styles  # noqa: E402

VOICES = ("en-us", "en-us+m3", "en-us+f2", "en-gb+m5")


def corpus_figures() -> None:
    verdicts = Counter(verdict(case) for case in cases())
    total = sum(verdicts.values())
    print(f"corpus: {total} transcripts")
    for name in ("right", "asked again", "wrong"):
        print(f"  {name:12s} {verdicts[name]:4d}  {verdicts[name] / total:6.1%}")


def telephone(text: str, voice: str, folder: Path) -> bytes | None:
    """espeak-ng says it; 8 kHz μ-law with street noise, as a phone line would carry it."""
    wav, phone = folder / "said.wav", folder / "phone.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(wav), text], check=True)
    subprocess.run(["sox", str(wav), "-r", "8000", "-c", "1", "-b", "16", str(phone)], check=True)
    audio = read_wav(phone.read_bytes())
    noise = np.random.default_rng(len(text)).normal(0, 400, len(audio.samples))
    noisy = np.clip(audio.samples + noise, -32768, 32767).astype(np.int16)
    return wav_bytes(Audio(noisy, 8000).samples, 8000, MULAW)


def audio_figures(model_path: str | None) -> None:
    recogniser = engine.current(model_path)
    if recogniser is None:
        print(f"audio: no model (VOSK_MODEL_PATH={model_path or 'unset'}): skipped")
        return
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        print("audio: espeak-ng or sox is not installed: skipped")
        return
    import random

    right = total = 0
    audio_seconds = decode_seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for docket in sorted(ON_FILE):
            for text, _ in styles(docket, random.Random(1))[:2]:
                for voice in VOICES:
                    pcm, seconds = for_model(
                        telephone(text, voice, Path(tmp)) or b"", recogniser.rate
                    )
                    started = time.perf_counter()
                    found = hypotheses(recogniser.results(pcm, grammar("docket"), 5, False))
                    decode_seconds += time.perf_counter() - started
                    audio_seconds += seconds
                    reading = read_docket(found, "HHD", YEAR, known=on_file)
                    right += bool(reading.docket and reading.docket.canonical == docket)
                    total += 1
    print(
        f"audio: {total} utterances, {len(VOICES)} voices: read right {right / total:.1%}, "
        f"real-time factor {decode_seconds / audio_seconds:.3f}"
    )


if __name__ == "__main__":
    corpus_figures()
    audio_figures(load_settings().vosk_model_path)
