"""How long the text line's grammar takes to read one message (the corpus, many times over).

.venv/bin/python bench/sms_parse.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sms.grammar import parse  # noqa: E402
from tests.sms.corpus import CORPUS  # noqa: E402


def messages() -> list[str]:
    yy = f"{date.today().year % 100:02d}"
    return [m.format(yy=yy, py=yy, d="11/18", dd="1118") for m, _ in CORPUS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    texts = messages()
    timings: list[float] = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            parse(text, "HHD", 2026)
            timings.append((time.perf_counter() - started) * 1e6)
    timings.sort()
    print(f"sms parse: {len(timings)} messages ({len(texts)} distinct x {rounds})")
    print(
        f"  mean {statistics.fmean(timings):.1f} us  p50 {timings[len(timings) // 2]:.1f} us  "
        f"p99 {timings[int(len(timings) * 0.99)]:.1f} us  max {timings[-1]:.1f} us"
    )


if __name__ == "__main__":
    main()
