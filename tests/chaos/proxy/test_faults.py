"""The proxy's two faults against a real uvicorn upstream: the delay every request waits,
and the share of requests answered 503 without reaching the upstream."""

from __future__ import annotations

import statistics
import time

import httpx

from tests.support.proxy import running_proxy

DELAY = 0.2
#: How far the delay a request sees may be from --delay (the issue's bound).
TOLERANCE = 0.010


def _durations(client: httpx.Client, url: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        out.append(time.perf_counter() - start)
    return out


def test_delay_is_added_to_each_call(proxy_upstream: str) -> None:
    with (
        running_proxy(proxy_upstream, "--delay", str(DELAY)) as proxy,
        httpx.Client(trust_env=False, timeout=10) as client,
    ):
        _durations(client, f"{proxy.url}/peer", 2)  # connections opened, not measured
        _durations(client, f"{proxy_upstream}/peer", 2)
        proxied, direct = [], []
        for _ in range(10):  # interleaved, so a busy moment affects both sides
            proxied += _durations(client, f"{proxy.url}/peer", 2)
            direct += _durations(client, f"{proxy_upstream}/peer", 2)
    added = [p - statistics.median(direct) for p in proxied]
    # No call is early; the typical one is late by no more than the tolerance.
    assert min(proxied) >= DELAY - 0.002, proxied
    assert abs(statistics.median(added) - DELAY) <= TOLERANCE, added


def _count(upstream: str) -> int:
    return int(httpx.get(f"{upstream}/count", trust_env=False).text)


def test_error_share_over_a_thousand_calls(proxy_upstream: str) -> None:
    share, calls = 0.3, 1000
    with (
        running_proxy(proxy_upstream, "--error-share", str(share), "--seed", "7") as proxy,
        httpx.Client(trust_env=False, timeout=10) as client,
    ):
        before = _count(proxy_upstream)
        answers = [client.get(f"{proxy.url}/message") for _ in range(calls)]
        reached = _count(proxy_upstream) - before
    failed = [a for a in answers if a.status_code == 503]
    assert {a.status_code for a in answers} == {200, 503}
    assert abs(len(failed) / calls - share) <= 0.05, len(failed)
    assert reached == calls - len(failed)  # a failed call never reached the upstream
    assert failed[0].text == "chaosrun proxy: injected error\n"
    assert failed[0].headers["content-type"].startswith("text/plain")


def test_the_same_seed_fails_the_same_calls(proxy_upstream: str) -> None:
    def statuses() -> list[int]:
        with (
            running_proxy(proxy_upstream, "--error-share", "0.5", "--seed", "11") as proxy,
            httpx.Client(trust_env=False, timeout=10) as client,
        ):
            return [client.get(f"{proxy.url}/peer").status_code for _ in range(40)]

    first = statuses()
    assert first == statuses()
    assert {200, 503} == set(first)


def test_every_call_fails_at_share_one(proxy_upstream: str) -> None:
    with running_proxy(proxy_upstream, "--error-share", "1") as proxy:
        before = _count(proxy_upstream)
        codes = {httpx.get(f"{proxy.url}/peer", trust_env=False).status_code for _ in range(20)}
        assert _count(proxy_upstream) == before
    assert codes == {503}
