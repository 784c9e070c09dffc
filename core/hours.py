"""When the Registry Section answers its phone: REGISTRY_SECTION_HOURS as a value."""

from __future__ import annotations

import re
from dataclasses import dataclass

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class OpenHours:
    """Open on ``days`` (0 is Monday) from ``opens`` to ``closes`` (HH:MM, local time)."""

    days: range
    opens: str
    closes: str

    @property
    def times(self) -> str:
        return f"{self.opens}-{self.closes}"


def parse_hours(text: str) -> OpenHours:
    """'Mon-Fri 08:00-17:00', 'Sat 09:00-12:00' or '08:00-17:00' (every day); ValueError if not."""
    first, _, rest = text.strip().partition(" ")
    times = (rest or first).strip()
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d", times):
        raise ValueError(f"{text!r} is not hours like Mon-Fri 08:00-17:00")
    opens, closes = times.split("-")
    if not rest:
        return OpenHours(range(7), opens, closes)
    start, _, end = first.lower().partition("-")
    if start[:3] not in WEEKDAYS or (end or start)[:3] not in WEEKDAYS:
        raise ValueError(f"{text!r} does not name days like Mon-Fri")
    return OpenHours(
        range(WEEKDAYS.index(start[:3]), WEEKDAYS.index((end or start)[:3]) + 1), opens, closes
    )
