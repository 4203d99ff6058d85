"""``/events`` over real HTTP on loopback: ids, a reconnect with ``Last-Event-ID`` that misses
nothing and repeats nothing, the end of the stream, the journal once the run ended."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from chaos.errors import BadInput
from chaos.live.address import LiveAddress, parse_live
from chaos.live.hub import LiveHub
from chaos.live.server import CSP, LiveServer


@pytest.fixture
def served() -> Iterator[tuple[LiveHub, str]]:
    hub = LiveHub()
    server = LiveServer(hub, LiveAddress("127.0.0.1", 0)).start()
    try:
        yield hub, server.url
    finally:
        hub.close()
        server.stop()


def read_events(
    url: str, count: int, last_id: str | None = None
) -> tuple[list[tuple[int, dict[str, object]]], bool]:
    """The first ``count`` events of a stream (or all, up to its end); whether it ended."""
    headers = {"Last-Event-ID": last_id} if last_id is not None else {}
    events: list[tuple[int, dict[str, object]]] = []
    ended = False
    with httpx.stream("GET", url + "events", headers=headers, timeout=10) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        block: dict[str, str] = {}
        for line in answer.iter_lines():
            if line:
                key, _, value = line.partition(":")
                block[key] = value.strip()
                continue
            if block.get("event") == "closed":
                ended = True
                break
            if "data" in block:
                events.append((int(block["id"]), json.loads(block["data"])))
                if len(events) == count:
                    break
            block = {}
    return events, ended


def test_a_reconnect_with_last_event_id_resumes_without_gap_or_duplicate(
    served: tuple[LiveHub, str],
) -> None:
    hub, url = served
    for n in range(5):
        hub.publish({"event": "samples", "n": n})
    first, _ = read_events(url, 3)
    assert [i for i, _ in first] == [1, 2, 3]
    for n in range(5, 9):  # published while the browser is away
        hub.publish({"event": "samples", "n": n})
    hub.close()
    rest, ended = read_events(url, 100, last_id=str(first[-1][0]))
    assert ended
    seen = [e["n"] for _, e in first + rest]
    assert seen == list(range(9))  # every event once, in order
    assert [i for i, _ in rest] == list(range(4, 10))


def test_a_new_page_gets_the_whole_run_so_far_then_what_follows(
    served: tuple[LiveHub, str],
) -> None:
    hub, url = served
    hub.publish({"event": "start", "title": "t"})
    with httpx.stream("GET", url + "events", timeout=10) as answer:
        lines = answer.iter_lines()
        assert next(lines).startswith("retry:")
        assert next(lines) == ""
        assert next(lines) == "id: 1"
        assert json.loads(next(lines).removeprefix("data: "))["event"] == "start"
        assert next(lines) == ""
        hub.publish({"event": "end"})
        assert next(lines) == "id: 2"


def test_the_journal_is_served_once_the_run_ended_and_the_page_has_a_strict_policy(
    served: tuple[LiveHub, str],
) -> None:
    hub, url = served
    assert httpx.get(url + "journal").status_code == 404
    hub.add_journal({"status": "completed"})
    assert httpx.get(url + "journal").json() == {"status": "completed"}
    page = httpx.get(url)
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert '<script src="/live.js"' in page.text and "http" not in page.text.split("<body>")[0]
    assert httpx.get(url + "live.js").headers["content-type"].startswith("text/javascript")


@pytest.mark.parametrize(
    ("text", "host", "port", "loopback"),
    [
        ("8765", "127.0.0.1", 8765, True),
        ("0", "127.0.0.1", 0, True),
        ("localhost:80", "localhost", 80, True),
        ("0.0.0.0:8765", "0.0.0.0", 8765, False),
        ("[::1]:9", "::1", 9, True),
    ],
)
def test_live_addresses(text: str, host: str, port: int, loopback: bool) -> None:
    address = parse_live(text)
    assert (address.host, address.port, address.loopback) == (host, port, loopback)


@pytest.mark.parametrize("text", ["", "web", ":80", "127.0.0.1:http", "70000"])
def test_bad_live_addresses_are_one_sentence(text: str) -> None:
    with pytest.raises(BadInput, match=r"^--live .*\.$"):
        parse_live(text)
