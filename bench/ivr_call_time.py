"""Call time a returning marshal needs to record an in-hand service by keypad.

The real flow answers (the app in-process, on PostgreSQL sl_bench_ivr); its prompts are timed at
150 words a minute, keys at KEY_SECONDS each, plus TURN_SECONDS per webhook round trip and the
start of Twilio's text-to-speech. A returning marshal presses as soon as the menu names the
key wanted, or keys an entry once told "then pound" (a key interrupts the prompt); a key-ahead
caller types without waiting for the menus, but still hears the docket read-back and the
confirmation number.

    .venv/bin/python -m bench.ivr_call_time
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from bench._common import bench_url, fresh_database
from core.settings import load_settings
from edge.signature import our_account_sid, sign
from tests.ivr.helpers import KEYPAD_SERVICE
from tests.twilio_ids import twilio_sid
from web.app import create_app

WORDS_PER_MINUTE = 150
KEY_SECONDS = 0.35
TURN_SECONDS = 0.5
BASE = "https://serveline.bench"
TOKEN = "bench-twilio-token"
# What the marshal presses at each step (caller ID known; "#" ends an entry).
KEYS = [(step, keys + "#" if len(keys) > 1 else keys) for step, keys in KEYPAD_SERVICE]
MUST_HEAR = ("Respondent", "confirmation number")


@dataclass(frozen=True)
class Turn:
    step: str
    said: str
    keys: str

    @property
    def speech_seconds(self) -> float:
        return len(re.findall(r"[A-Za-z0-9]+", self.said)) * 60 / WORDS_PER_MINUTE

    @property
    def must_hear_seconds(self) -> float:
        heard = [s for s in re.split(r"(?<=\.) ", self.said) if any(m in s for m in MUST_HEAR)]
        return Turn(self.step, " ".join(heard), "").speech_seconds

    @property
    def until_key_seconds(self) -> float:
        """A returning marshal listens until the menu says the key they want, then presses."""
        sentences = re.split(r"(?<=\.) ", self.said)
        for end, sentence in enumerate(sentences, start=1):
            wanted = f"press {self.keys}." if len(self.keys) == 1 else "then pound."
            if wanted in sentence:
                return Turn(self.step, " ".join(sentences[:end]), "").speech_seconds
        return self.speech_seconds

    @property
    def typing_seconds(self) -> float:
        return len(self.keys) * KEY_SECONDS


def walk() -> list[Turn]:
    """Drive one call through the real app; what was said before each key press."""
    url = bench_url("sl_bench_ivr")
    fresh_database(url)
    settings = load_settings().but(
        database_url=url,
        public_base_url=BASE,
        twilio_auth_token=TOKEN,
        redis_url=None,
        ivr_speech="off",
    )
    client = create_app(settings).test_client()
    path, turns, said = "/ivr/voice", [], ""
    for step, keys in [("voice", ""), *KEYS]:
        form = {
            "CallSid": twilio_sid("CA", "calltime"),  # Twilio's shapes, or the line answers 403
            "AccountSid": our_account_sid(settings),
            "From": "+18605550190",
            "To": "+18005550100",
            "StirVerstat": "TN-Validation-Passed-A",  # the marshal's own phone, verified
        }
        if keys:
            form["Digits"] = keys.rstrip("#")
            turns.append(Turn(step, said, keys))
        headers = {"X-Twilio-Signature": sign(BASE + path, form, TOKEN)}
        document = ET.fromstring(client.post(path, data=form, headers=headers).data)
        said = " ".join(s.text or "" for s in document.iter("Say"))
        gather = document.find("Gather")
        path = gather.attrib["action"] if gather is not None else ""
    turns.append(Turn("goodbye", said, ""))
    return turns


def main() -> None:
    turns = walk()
    listen = sum(t.speech_seconds + t.typing_seconds + TURN_SECONDS for t in turns)
    returning = sum(t.until_key_seconds + t.typing_seconds + TURN_SECONDS for t in turns)
    ahead = sum(t.must_hear_seconds + t.typing_seconds + TURN_SECONDS for t in turns)
    print(f"{'step':15s} {'prompt s':>9s} {'keys':>8s} {'typing s':>9s}")
    for turn in turns:
        print(
            f"{turn.step:15s} {turn.speech_seconds:9.1f} {turn.keys:>8s} {turn.typing_seconds:9.1f}"
        )
    print(f"in-hand service, listening to every prompt: {listen:.0f} s of call time")
    print(
        f"in-hand service, a returning marshal pressing as soon as the menu says the key: "
        f"{returning:.0f} s"
    )
    print(
        f"in-hand service, keying ahead (hearing only the docket read-back and the "
        f"confirmation number): {ahead:.0f} s"
    )
    print(f"({WORDS_PER_MINUTE} words a minute, {KEY_SECONDS} s a key, {TURN_SECONDS} s a turn)")


if __name__ == "__main__":
    main()
