"""``--live [HOST:]PORT``: where the live view listens."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from chaos.errors import BadInput

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class LiveAddress:
    host: str
    port: int  # 0: any free port

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return False


def parse_live(text: str) -> LiveAddress:
    """``PORT`` (on 127.0.0.1) or ``HOST:PORT``; bad input names the option."""
    host, sep, port_text = text.strip().rpartition(":")
    host = host.strip("[]") if sep else LOOPBACK
    if sep and not host:
        raise BadInput(f"--live {text!r} names no host before ':'; write PORT or HOST:PORT.")
    try:
        port = int(port_text)
    except ValueError:
        raise BadInput(
            f"--live takes PORT or HOST:PORT, e.g. 8765 or 0.0.0.0:8765 (got {text!r})."
        ) from None
    if not 0 <= port <= 65535:
        raise BadInput(f"--live port must be between 0 and 65535 (got {port}).")
    return LiveAddress(host, port)
