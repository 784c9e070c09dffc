"""Vosk's result JSON to ranked hypotheses: alternatives per segment, segments joined.

A caller pausing between "H H D" and "four oh one…" makes Vosk end one utterance and start
another; the segments are joined so the docket is read whole. Vosk's alternative confidences
are log-likelihood scores, so they are summed across segments and turned into shares of one.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from speech.understand import Hypothesis

KEEP = 10
Scored = tuple[str, float]


def hypotheses(results: list[dict[str, Any]], keep: int = KEEP) -> list[Hypothesis]:
    """The n-best readings of a whole utterance, best first, confidences summing to one."""
    segments = [s for s in (_segment(r) for r in results) if s]
    if not segments:
        return []
    joined: list[Scored] = [("", 0.0)]
    for segment in segments:
        combined = [
            (f"{a} {b}".strip(), sa + sb) for (a, sa), (b, sb) in itertools.product(joined, segment)
        ]
        joined = sorted(combined, key=lambda x: -x[1])[:keep]
    return _as_shares(_unique(joined))


def _segment(result: dict[str, Any]) -> list[Scored]:
    if "alternatives" in result:
        found = [
            (str(a.get("text", "")).strip(), float(a.get("confidence", 0.0)))
            for a in result["alternatives"]
        ]
    else:
        found = [(str(result.get("text", "")).strip(), _mean_conf(result))]
    return [(text, score) for text, score in found if text]


def _mean_conf(result: dict[str, Any]) -> float:
    """A single result's words carry 0..1 confidences: their log-mean is the score."""
    confs = [float(w.get("conf", 1.0)) for w in result.get("result", [])]
    return sum(math.log(max(c, 1e-6)) for c in confs) / len(confs) if confs else 0.0


def _unique(scored: list[Scored]) -> list[Scored]:
    seen: dict[str, float] = {}
    for text, score in scored:
        seen.setdefault(text, score)
    return list(seen.items())


def _as_shares(scored: list[Scored]) -> list[Hypothesis]:
    top = max(score for _, score in scored)
    weights = [math.exp(score - top) for _, score in scored]
    total = sum(weights)
    return [
        Hypothesis(text, round(w / total, 4)) for (text, _), w in zip(scored, weights, strict=True)
    ]


def transcript(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Free-form results (SetWords) as a transcript: text and words with times and confidence."""
    words = [
        {"word": w["word"], "start": w["start"], "end": w["end"], "conf": w.get("conf")}
        for r in results
        for w in r.get("result", [])
    ]
    return {"text": " ".join(w["word"] for w in words), "words": words}
