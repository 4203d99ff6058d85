"""The proxy's two faults: the delay every request waits, and which requests fail."""

from __future__ import annotations

import random

from chaos.proxy.options import ProxyOptions

#: The body of an injected 503 (text/plain).
ERROR_BODY = b"chaosrun proxy: injected error\n"


class Dice:
    """Decides, request by request, which ones fail: each with probability ``error_share``,
    from a seeded generator when a seed is given (the same seed, the same failing requests)."""

    def __init__(self, options: ProxyOptions) -> None:
        self._share = options.error_share
        self._random = random.Random(options.seed).random

    def fails(self) -> bool:
        if self._share <= 0:
            return False
        return self._share >= 1 or self._random() < self._share
