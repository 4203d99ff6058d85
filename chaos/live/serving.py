"""A live view's lifetime around one run (or the demo's four): the hub, its server, the
console line saying where to look, the linger after the end."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from chaos.engine.settings import RunHooks
from chaos.live.address import parse_live
from chaos.live.hub import LiveHub
from chaos.live.server import LiveServer


@contextmanager
def live_view(
    live: str | None, linger: float, say: Callable[[str], None]
) -> Iterator[LiveHub | None]:
    """Serve the run's events on ``live`` (``[HOST:]PORT``) while the block lasts, then
    ``linger`` seconds more; None, and nothing served, without ``live``. ``say`` tells the
    user where to look (the command line's console)."""
    if live is None:
        yield None
        return
    address = parse_live(live)
    hub = LiveHub()
    server = LiveServer(hub, address).start()
    if not address.loopback:
        say(
            f"Warning: the live view listens on {address.host}: anyone who reaches it sees the run."
        )
    say(f"Live view: open {server.url}")
    try:
        yield hub
        hub.close()
        if linger > 0:  # only after a block that ended normally: no waiting on an error
            say(f"Live view: still at {server.url} for {linger:g}s (Ctrl-C ends it)")
            with contextlib.suppress(KeyboardInterrupt):
                time.sleep(linger)
    finally:
        hub.close()
        server.stop()


def hooks_of(hub: LiveHub | None, hooks: RunHooks | None = None) -> RunHooks:
    """``hooks`` (or none) that also tell ``hub`` every event and the journal."""
    hooks = hooks or RunHooks()
    if hub is not None:
        hooks.on_event = hub.publish
        hooks.on_journal = hub.add_journal
    return hooks
