"""Telephone audio converted for the model: μ-law or PCM at 8 kHz to 16-bit PCM at 16 kHz."""

from __future__ import annotations

import numpy as np
import pytest

from speech.audio import (
    MULAW,
    PCM,
    Audio,
    AudioError,
    for_model,
    mulaw_to_pcm,
    pcm_to_mulaw,
    read_wav,
    resample,
)
from tests.speech.conftest import phone_wav


def test_mulaw_decodes_to_the_g711_values() -> None:
    assert list(mulaw_to_pcm(bytes([0xFF, 0x7F, 0x00, 0x80]))) == [0, 0, -32124, 32124]


def test_mulaw_encoding_round_trips_within_its_step_size() -> None:
    samples = np.array([0, 100, -100, 1000, -1000, 30000, -30000], dtype=np.int16)
    back = mulaw_to_pcm(pcm_to_mulaw(samples)).astype(int)
    assert np.all(np.abs(back - samples) <= np.maximum(8, np.abs(samples.astype(int)) // 16))


@pytest.mark.parametrize("encoding", [MULAW, PCM])
def test_an_8khz_recording_becomes_16khz_16_bit_pcm_of_the_same_length(encoding: int) -> None:
    pcm, seconds = for_model(phone_wav(1.0, encoding), 16000)
    assert seconds == pytest.approx(1.0)
    assert len(pcm) == 16000 * 2


def test_resampling_keeps_a_tone_and_adds_no_image_above_4khz() -> None:
    t = np.arange(8000) / 8000
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    out = resample(Audio(tone, 8000), 16000).samples.astype(float)
    spectrum = np.abs(np.fft.rfft(out[1000:-1000]))
    freqs = np.fft.rfftfreq(len(out) - 2000, 1 / 16000)
    assert abs(freqs[spectrum.argmax()] - 440) < 2
    assert spectrum[freqs > 4200].max() < spectrum.max() / 100


def test_a_16_bit_pcm_wav_keeps_its_samples_and_rate() -> None:
    from speech.audio import wav_bytes

    mono = read_wav(wav_bytes(np.array([100, 200, 300, 400], dtype=np.int16), 8000))
    assert mono.rate == 8000 and list(mono.samples) == [100, 200, 300, 400]


def test_something_that_is_not_a_wav_is_refused() -> None:
    with pytest.raises(AudioError):
        read_wav(b"ID3 an mp3 file")
