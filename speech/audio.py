"""Telephone audio to what the model wants: 16-bit mono PCM at the model's sample rate.

Twilio recordings are 8 kHz WAV (16-bit PCM, or 8-bit μ-law from other sources); the small
English model wants 16 kHz. Feeding it 8 kHz audio as if it were its rate is worse than useless
(and creating a recogniser at 8000 Hz on it aborts the process), so every sample is resampled.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from math import gcd

import numpy as np

PCM = 1
MULAW = 7
TAPS_PER_PHASE = 16


class AudioError(ValueError):
    """Audio we cannot read (not a WAV, or an encoding we do not decode)."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # int16, mono
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0


def read_wav(data: bytes) -> Audio:
    """Decode a WAV file (PCM 8/16-bit or μ-law, any channels) to mono 16-bit samples."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError("not a WAV file")
    chunks = dict(_chunks(data))
    if b"fmt " not in chunks or b"data" not in chunks:
        raise AudioError("a WAV file without fmt or data chunk")
    encoding, channels, rate, _, _, bits = struct.unpack("<HHIIHH", chunks[b"fmt "][:16])
    samples = _decode(chunks[b"data"], encoding, bits)
    if channels > 1:
        samples = samples[: len(samples) // channels * channels].reshape(-1, channels)
        samples = samples.mean(axis=1).astype(np.int16)
    return Audio(samples, rate)


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    found, offset = [], 12
    while offset + 8 <= len(data):
        name, size = (
            data[offset : offset + 4],
            struct.unpack("<I", data[offset + 4 : offset + 8])[0],
        )
        found.append((name, data[offset + 8 : offset + 8 + size]))
        offset += 8 + size + (size & 1)
    return found


def _decode(raw: bytes, encoding: int, bits: int) -> np.ndarray:
    if encoding == MULAW and bits == 8:
        return mulaw_to_pcm(raw)
    if encoding == PCM and bits == 16:
        return np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.int16)
    if encoding == PCM and bits == 8:
        return ((np.frombuffer(raw, dtype=np.uint8).astype(np.int16) - 128) << 8).astype(np.int16)
    raise AudioError(f"WAV encoding {encoding} with {bits} bits is not decoded")


def mulaw_to_pcm(raw: bytes) -> np.ndarray:
    """G.711 μ-law bytes to 16-bit linear samples."""
    codes = ~np.frombuffer(raw, dtype=np.uint8).astype(np.int32) & 0xFF
    exponent = (codes >> 4) & 0x07
    magnitude = (((codes & 0x0F) << 3) + 0x84) << exponent
    linear = magnitude - 0x84
    return np.where(codes & 0x80, -linear, linear).astype(np.int16)


def pcm_to_mulaw(samples: np.ndarray) -> bytes:
    """16-bit linear samples to G.711 μ-law bytes (tests and the benchmark make phone audio)."""
    value = samples.astype(np.int32) >> 2  # G.711 works on 14 bits
    sign = np.where(value < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(value), 8158) + 33
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 5
    mantissa = (magnitude >> (exponent + 1)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def resample(audio: Audio, rate: int) -> Audio:
    """Rational resampling with a windowed-sinc low-pass filter (no aliasing, no imaging)."""
    if audio.rate == rate or len(audio.samples) == 0:
        return Audio(audio.samples, rate)
    divisor = gcd(audio.rate, rate)
    up, down = rate // divisor, audio.rate // divisor
    stuffed = np.zeros(len(audio.samples) * up)
    stuffed[::up] = audio.samples
    filtered = np.convolve(stuffed, _low_pass(up, down), mode="same")[::down]
    return Audio(np.clip(np.round(filtered), -32768, 32767).astype(np.int16), rate)


def _low_pass(up: int, down: int) -> np.ndarray:
    width = TAPS_PER_PHASE * max(up, down)
    n = np.arange(-width, width + 1)
    cutoff = 1.0 / max(up, down)
    return up * cutoff * np.sinc(cutoff * n) * np.hamming(len(n))


def for_model(data: bytes, rate: int) -> tuple[bytes, float]:
    """A WAV recording as 16-bit little-endian PCM at ``rate``, and its length in seconds."""
    audio = resample(read_wav(data), rate)
    return audio.samples.astype("<i2").tobytes(), audio.seconds


def wav_bytes(samples: np.ndarray, rate: int, encoding: int = PCM) -> bytes:
    """A mono WAV file (16-bit PCM or 8-bit μ-law), as Twilio would send one."""
    body = pcm_to_mulaw(samples) if encoding == MULAW else samples.astype("<i2").tobytes()
    bits = 8 if encoding == MULAW else 16
    fmt = struct.pack("<HHIIHH", encoding, 1, rate, rate * bits // 8, bits // 8, bits)
    chunks = b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks
