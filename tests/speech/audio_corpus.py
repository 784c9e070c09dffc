"""Spoken dockets as telephone audio, synthesized when needed (tests and bench share it).

Each utterance is said by a synthesizer (espeak-ng voices, flite voices, festival), put through
a telephone channel (300–3400 Hz, 8 kHz) and sent as Twilio stores a call: 8 kHz μ-law WAV,
clean or with noise mixed in at a signal-to-noise ratio (white, pink, babble, traffic). Nothing
here is committed as audio: every clip is made from its text, seeded, where it is used.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speech.audio import MULAW, read_wav, wav_bytes
from tests.speech.make_corpus import NAMES, ON_FILE, digits, grouped, pair, styles

RATE = 8000
# (synthesizer, voice): what the machine has, by Debian package.
VOICES = {
    "espeak-ng": ("en-us", "en-us+m3", "en-us+f2", "en-gb+m5"),
    "flite": ("kal", "slt", "rms", "awb"),
    "festival": ("kal_diphone",),
}
NOISES = ("white", "pink", "babble", "traffic")
BABBLE = (
    "the car is parked down the street near the corner store",
    "she said they would be back before dinner on friday",
    "can you hand me that folder on the desk over there",
    "we waited for the bus almost twenty minutes this morning",
)


@dataclass(frozen=True)
class Utterance:
    text: str
    expected: str  # the docket it means, or "" for a clip that holds none
    style: str
    court: str = "HHD"  # the marshal's default court

    def read_right(self, canonical: str | None) -> bool:
        """The docket meant; for the number alone, its number (court and year are the
        marshal's defaults, and the registry's pick menu settles a number on file twice)."""
        if canonical is None or not self.expected:
            return False
        if self.style.startswith("number alone"):
            return canonical.split("-")[2] == self.expected.split("-")[2]
        return canonical == self.expected


def available(synthesizer: str) -> bool:
    command = {"festival": "text2wave"}.get(synthesizer, synthesizer)
    return shutil.which(command) is not None and shutil.which("sox") is not None


def spoken_styles(docket: str, rng: random.Random) -> list[Utterance]:
    """The ways a marshal says a docket that a synthesizer can say as a person would."""
    court, middle, number, suffix = docket.split("-")
    kind, yy = middle[:2], middle[2:]
    said = {note: text for text, note in styles(docket, rng)}
    return [
        Utterance(said["letters and digits"], docket, "letters"),
        Utterance(said["names, groups"], docket, "court names, groups"),
        Utterance(said["NATO"], docket, "NATO"),
        Utterance(said["fillers, double"], docket, "fillers, double"),
        Utterance(
            f"{' '.join(court)} {' '.join(kind)} {pair(yy)} ... {grouped(number, rng)} {suffix}",
            docket,
            "pause",
        ),
        Utterance(
            f"{NAMES[court]}, {pair(yy)}, {digits(number, 'oh')}", docket, "court name, digits"
        ),
        Utterance(
            f"{court[0]} {court[1]} {court[2]} {kind[0]} {kind[1]} {digits(yy, 'oh')} "
            f"{digits(number, 'oh')} {suffix}",
            docket,
            "oh",
        ),
    ]


def number_alone(docket: str, rng: random.Random) -> list[Utterance]:
    """The seven digits alone, read with the marshal's court and this year."""
    number = docket.split("-")[2]
    bare = f"{docket[:3]}-FA26-{number}-S"
    court = docket[:3]
    return [
        Utterance(digits(number, "oh"), bare, "number alone, oh", court),
        Utterance(grouped(number, rng), bare, "number alone, grouped", court),
        Utterance(digits(number, "zero", doubles=True), bare, "number alone, double", court),
    ]


def dockets_said(limit: int | None = None, alone: bool = False) -> list[Utterance]:
    """At least 100 spoken dockets in the corpus's styles (seeded)."""
    rng = random.Random(11)
    found = [u for d in ON_FILE for u in (number_alone(d, rng) if alone else spoken_styles(d, rng))]
    return found[:limit] if limit else found


def noise_clips() -> list[Utterance]:
    """Clips with no docket in them: silence, noise, and speech about something else."""
    return [Utterance("", "", f"{kind} only") for kind in ("silence", *NOISES)] + [
        Utterance(text, "", "other speech") for text in BABBLE[:2]
    ]


def synthesize(text: str, synthesizer: str, voice: str, folder: Path) -> np.ndarray:
    """The text said by one voice, through a telephone channel, as 8 kHz 16-bit samples."""
    raw, phone = folder / "raw.wav", folder / "phone.wav"
    if synthesizer == "espeak-ng":
        command = ["espeak-ng", "-v", voice, "-s", "145", "-w", str(raw), text]
    elif synthesizer == "flite":
        command = ["flite", "-voice", voice, "-t", text, "-o", str(raw)]
    else:
        command = ["text2wave", "-eval", f"(voice_{voice})", "-o", str(raw)]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
        input=text.encode() if synthesizer == "festival" else None,
    )
    subprocess.run(
        [
            "sox",
            "-R",
            str(raw),
            "-r",
            str(RATE),
            "-c",
            "1",
            "-b",
            "16",
            str(phone),
            "sinc",
            "300-3400",
            "norm",
            "-3",
        ],
        check=True,
        capture_output=True,
    )
    return read_wav(phone.read_bytes()).samples


def noise(kind: str, length: int, seed: int, folder: Path | None = None) -> np.ndarray:
    """One second-by-second kind of street noise, unit power, at 8 kHz."""
    rng = np.random.default_rng(seed)
    if kind == "white":
        found = rng.normal(0, 1, length)
    elif kind == "pink":
        found = _coloured(rng.normal(0, 1, length), 1.0)
    elif kind == "traffic":
        rumble = _coloured(rng.normal(0, 1, length), 2.0)
        swell = 1 + 0.8 * np.sin(2 * np.pi * np.arange(length) / RATE / 3.0 + rng.uniform(0, 6))
        found = rumble * swell
    elif kind == "babble":
        found = _babble(length, seed, folder)
    else:
        return np.zeros(length)
    return found / (np.sqrt(np.mean(found**2)) or 1.0)


def _coloured(white: np.ndarray, power: float) -> np.ndarray:
    spectrum = np.fft.rfft(white)
    frequencies = np.fft.rfftfreq(len(white), 1 / RATE)
    spectrum[1:] /= frequencies[1:] ** (power / 2)
    spectrum[0] = 0
    return np.fft.irfft(spectrum, len(white))


def _babble(length: int, seed: int, folder: Path | None) -> np.ndarray:
    """Four espeak-ng talkers at once, each at a random offset (a crowd, a radio)."""
    with tempfile.TemporaryDirectory() as tmp:
        where = folder or Path(tmp)
        mixed = np.zeros(length)
        for index, sentence in enumerate(BABBLE):
            voice = VOICES["espeak-ng"][index % 4]
            said = synthesize(sentence, "espeak-ng", voice, where).astype(np.float64)
            said = np.tile(said, length // max(len(said), 1) + 2)
            start = (seed * 977 + index * 3001) % max(len(said) - length, 1)
            mixed += said[start : start + length]
        return mixed


def telephone(
    samples: np.ndarray,
    kind: str | None,
    snr_db: float | None,
    seed: int,
    folder: Path | None = None,
) -> bytes:
    """Padded with a little room tone, noise mixed in at the SNR, as Twilio's μ-law WAV."""
    pad = np.zeros(RATE // 4)
    speech = np.concatenate([pad, samples.astype(np.float64), pad])
    if kind and snr_db is not None:
        power = np.mean(samples.astype(np.float64) ** 2) if len(samples) else 1e6
        level = np.sqrt(power / 10 ** (snr_db / 10))
        speech = speech + level * noise(kind, len(speech), seed, folder)
    floor = np.random.default_rng(seed).normal(0, 3, len(speech))  # a line is never silent
    clipped = np.clip(np.round(speech + floor), -32768, 32767).astype(np.int16)
    return wav_bytes(clipped, RATE, MULAW)


def noise_only(kind: str, seconds: float, seed: int, folder: Path | None = None) -> bytes:
    """A clip of noise alone at a street level (or near-silence), as Twilio's μ-law WAV."""
    length = int(RATE * seconds)
    found = 2500 * noise(kind, length, seed, folder) if kind in NOISES else np.zeros(length)
    floor = np.random.default_rng(seed).normal(0, 3, length)
    return wav_bytes(np.clip(found + floor, -32768, 32767).astype(np.int16), RATE, MULAW)


def voices(synthesizers: tuple[str, ...] = tuple(VOICES)) -> Iterator[tuple[str, str]]:
    for synthesizer in synthesizers:
        if available(synthesizer):
            for voice in VOICES[synthesizer]:
                yield synthesizer, voice
