"""The local-speech round trip's URLs, built and read in this one place.

The phone line records an answer to ``/ivr/vosk/recorded?resume=<its step>&grammar=<menu>``;
the speech blueprint sends the caller back to that step with ``vosk=<recognition id>``,
``vosk=timeout``, or ``key=<the key that ended the recording>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

RECORDED_PATH = "/ivr/vosk/recorded"
TIMEOUT = "timeout"  # the recogniser failed or was too slow: the step offers the keypad
DEFAULT_GRAMMAR = "docket"


@dataclass(frozen=True)
class Recorded:
    """Where a recording goes: the step to resume and the grammar to decode it with."""

    resume: str
    grammar: str = DEFAULT_GRAMMAR

    def url(self) -> str:
        return with_query(RECORDED_PATH, resume=self.resume, grammar=self.grammar)

    @classmethod
    def read(cls, args: Mapping[str, str]) -> Recorded:
        return cls(args.get("resume", ""), args.get("grammar", DEFAULT_GRAMMAR))


@dataclass(frozen=True)
class Heard:
    """What the round trip brings back to the step: a recognition (or timeout) or a key."""

    vosk: str | None = None
    key: str | None = None

    def onto(self, step: str) -> str:
        """The step's URL with this result appended."""
        return with_query(step, vosk=self.vosk, key=self.key)

    @classmethod
    def read(cls, args: Mapping[str, str]) -> Heard:
        return cls(args.get("vosk"), args.get("key"))


def with_query(url: str, **params: str | None) -> str:
    """The URL with these parameters appended (each quoted whole; None ones left out)."""
    query = "&".join(
        f"{name}={quote(value, safe='')}" for name, value in params.items() if value is not None
    )
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"
