"""Real telephone audio: espeak-ng speech as sox writes it for a phone line (8 kHz μ-law, PCM)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from speech.audio import for_model, read_wav

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="espeak-ng and sox are not installed (make system-deps installs them)",
)


def spoken(folder: Path, text: str = "H H D F A one four, four oh one two one nine nine S") -> Path:
    said = folder / "said.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(said), text], check=True)
    return said


def sox(source: Path, target: Path, *options: str) -> Path:
    subprocess.run(["sox", str(source), *options, str(target)], check=True)
    return target


def samples(path: Path) -> np.ndarray:
    return read_wav(path.read_bytes()).samples.astype(np.float64)


def test_mu_law_as_sox_writes_it_decodes_to_the_same_samples_as_sox_decodes_it(
    tmp_path: Path,
) -> None:
    mulaw = sox(spoken(tmp_path), tmp_path / "phone.wav", "-r", "8000", "-c", "1", "-e", "u-law")
    by_sox = sox(mulaw, tmp_path / "pcm.wav", "-e", "signed-integer", "-b", "16")
    ours, theirs = samples(mulaw), samples(by_sox)
    assert read_wav(mulaw.read_bytes()).rate == 8000 and len(ours) == len(theirs) > 8000
    assert np.array_equal(ours, theirs)  # the same G.711 table, with sox's fmt and fact chunks


def test_telephone_speech_is_resampled_to_16_khz_as_faithfully_as_sox_does_it(
    tmp_path: Path,
) -> None:
    phone = sox(spoken(tmp_path), tmp_path / "phone.wav", "-r", "8000", "-c", "1", "-b", "16")
    wide = sox(phone, tmp_path / "wide.wav", "-r", "16000")
    pcm, seconds = for_model(phone.read_bytes(), 16000)
    ours = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    theirs = samples(wide)
    assert seconds == pytest.approx(len(theirs) / 16000, abs=0.01)
    length = min(len(ours), len(theirs))
    error = ours[:length] - theirs[:length]
    signal_to_error_db = 10 * np.log10(np.sum(theirs[:length] ** 2) / np.sum(error**2))
    assert signal_to_error_db > 30, signal_to_error_db  # 42 dB measured
