"""How a measured figure reads in the console, the journal summary and the report; ``-`` when
there is none."""

from __future__ import annotations


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def millis(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"
