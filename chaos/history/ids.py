"""Short ids that sort by time: 9 characters of milliseconds since the epoch and 4 random
ones, in Crockford's base 32 (as ULIDs, shorter)."""

from __future__ import annotations

import os
import time
from datetime import datetime

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _base32(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def run_id_at(millis: int, entropy: bytes) -> str:
    return _base32(millis, 9) + _base32(int.from_bytes(entropy[:3], "big"), 4)


def new_run_id() -> str:
    return run_id_at(time.time_ns() // 1_000_000, os.urandom(3))


def derived_run_id(started: str, text: str) -> str:
    """The id of a journal that has none (the Chaos Toolkit's): the same journal always
    gets the same id, so importing it twice stores it once."""
    import hashlib

    try:
        millis = int(datetime.fromisoformat(started).timestamp() * 1000)
    except (TypeError, ValueError):
        millis = 0
    return run_id_at(millis, hashlib.sha256(text.encode()).digest())
