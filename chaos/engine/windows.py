"""A policy's ``windows``: when chaos is allowed, e.g. ``Mon-Fri 09:00-17:00 Europe/Paris``
(days as ranges or lists, a time range that may pass midnight, an IANA zone; UTC when none).
Several windows: a list, or separated by ``;``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WINDOW = re.compile(
    r"^\s*(?P<days>[A-Za-z,\-]+)\s+(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})"
    r"(?:\s+(?P<zone>\S+))?\s*$"
)


@dataclass(frozen=True)
class Window:
    text: str
    days: frozenset[int]  # 0 is Monday
    start: time
    end: time
    zone: ZoneInfo

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        clock = local.time().replace(tzinfo=None)
        if self.start <= self.end:
            return local.weekday() in self.days and self.start <= clock < self.end
        # past midnight: the evening belongs to its day, the small hours to the day before
        if clock >= self.start:
            return local.weekday() in self.days
        return clock < self.end and (local.weekday() - 1) % 7 in self.days


def _day(name: str, text: str) -> int:
    title = name.strip().capitalize()[:3]
    if title not in DAYS:
        raise ValueError(f"windows {text!r}: {name!r} is not a day (Mon to Sun)")
    return DAYS.index(title)


def _days(spec: str, text: str) -> frozenset[int]:
    found: set[int] = set()
    for part in spec.split(","):
        if "-" in part:
            first, last = (_day(p, text) for p in part.split("-", 1))
            found.update((first + i) % 7 for i in range((last - first) % 7 + 1))
        else:
            found.add(_day(part, text))
    return frozenset(found)


def _clock(value: str, text: str) -> time:
    hours, minutes = (int(v) for v in value.split(":"))
    if hours == 24 and minutes == 0:
        return time(23, 59, 59, 999999)
    if hours > 23 or minutes > 59:
        raise ValueError(f"windows {text!r}: {value} is not a time of day")
    return time(hours, minutes)


def parse_window(text: str) -> Window:
    """``ValueError`` (one sentence) unless ``text`` reads as a window."""
    match = _WINDOW.match(text)
    if match is None:
        raise ValueError(f"windows {text!r} must read like 'Mon-Fri 09:00-17:00 Europe/Paris'")
    zone_name = match["zone"] or "UTC"
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"windows {text!r}: {zone_name!r} is not a time zone") from None
    return Window(
        text.strip(),
        _days(match["days"], text),
        _clock(match["start"], text),
        _clock(match["end"], text),
        zone,
    )


def parse_windows(value: object) -> list[Window]:
    texts = value if isinstance(value, list) else str(value).replace("\n", ";").split(";")
    return [parse_window(str(t)) for t in texts if str(t).strip()]
