"""Plain http:// requests go over the standard library exactly as httpx (the reference, and
still the https path) sends and reads them: one real loopback server records the bytes each
path sends, and both outputs must be equal."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.providers import Call
from chaos.providers.http import HttpSpec, as_plain_request, run, run_with_httpx
from tests.chaos.engine.raw_http import RawServer, Reply, full_listener, raw_server

# Request headers the plain path sends differently from httpx on purpose: none. It sends
# httpx's defaults (User-Agent, Accept, Accept-Encoding, Connection) in httpx's order.
DELIBERATELY_DIFFERENT: frozenset[bytes] = frozenset()


def reply(status: str, headers: list[str], body: bytes = b"") -> bytes:
    head = "".join(f"{h}\r\n" for h in [f"HTTP/1.1 {status}", *headers])
    return f"{head}\r\n".encode("latin-1") + body


def sized(status: str, headers: list[str], body: bytes) -> bytes:
    return reply(status, [*headers, f"Content-Length: {len(body)}"], body)


def chunked(body: bytes, *headers: str) -> bytes:
    parts = [body[i : i + 5] for i in range(0, len(body), 5)] + [b""]
    return reply("200 OK", [*headers, "Transfer-Encoding: chunked"]) + b"".join(
        b"%x\r\n%s\r\n" % (len(p), p) for p in parts
    )


CT = "Content-Type: "
CT_JSON = f"{CT}application/json"
JSON = b'{"ok": true, "items": [1, 2.5, null], "name": "caf\xc3\xa9"}'


def ok(body: bytes, *headers: str) -> bytes:
    return sized("200 OK", list(headers), body)


JSON_REPLY = ok(JSON, CT_JSON)
RAW_DEFLATE = zlib.compressobj(wbits=-zlib.MAX_WBITS)
RAW = RAW_DEFLATE.compress(JSON) + RAW_DEFLATE.flush()
ARGS = {"name": "front", "tags": ["a", "b"], "flag": True, "none": None, "x": "3", "n": 2}


@dataclass(frozen=True)
class Case:
    id: str
    reply: bytes = JSON_REPLY
    method: str = "GET"
    arguments: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    timeout: Any = None
    query: str = ""  # after the case's path
    delay: float = 0.0


CASES = [
    # What the server receives.
    Case("get-arguments-merge-into-the-query", arguments=ARGS, query="?x=1&x=2&keep=%20y"),
    Case("get-string-arguments", arguments="a=1&b=two%20words&c"),
    Case("get-pairs-as-repeated-keys", arguments=[["a", 1], ["a", 2], ["b", True]]),
    Case("get-empty-arguments-drop-the-query", arguments={}, query="?"),
    Case("get-query-as-written", query="?q=a+b&r=%2F&s=:@/?"),
    Case("post-form", method="POST", arguments=ARGS),
    Case("post-empty-form", method="POST", arguments={}),
    Case("post-nothing", method="POST"),
    Case("put-nothing", method="PUT"),
    Case(
        "post-json",
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
        arguments={"é": [1, 2.5, None, True], "nested": {"a": "b"}},
    ),
    Case(
        "patch-merge-patch",
        method="PATCH",
        headers={"content-type": "application/merge-patch+json"},
        arguments=[{"op": "x"}],
    ),
    Case("put-a-string", method="PUT", arguments="raw text é"),
    Case("put-an-empty-string", method="PUT", arguments=""),
    Case("post-pairs", method="POST", arguments=[["a", "1"], ["b", "x y"]]),
    Case("delete-with-arguments", method="DELETE", arguments={"id": 7}),
    Case("options", method="OPTIONS"),
    Case(
        "given-headers-override-defaults",
        headers={"accept": "application/json", "X-Trace": "a  b", "user-agent": "probe/1"},
    ),
    Case("given-host", headers={"X-First": "1", "Host": "example.test:8080"}),
    # What the server answers.
    Case("text-with-charset", reply=ok("héllo ✓".encode(), f"{CT}text/plain; charset=utf-8")),
    Case("latin-1", reply=ok(b"caf\xe9", f'{CT}text/plain; charset="ISO-8859-1"')),
    Case("shift-jis", reply=ok("日本".encode("shift_jis"), f"{CT}text/html; charset=Shift_JIS")),
    Case("unknown-charset", reply=ok(b"caf\xc3\xa9 \xff", f"{CT}text/plain; charset=nope")),
    Case("no-content-type", reply=ok(b"bad \xff utf-8")),
    Case("json-that-is-not", reply=ok(b"not json", CT_JSON)),
    Case("json-in-utf-16", reply=ok('{"a": "é"}'.encode("utf-16"), CT_JSON)),
    Case("chunked", reply=chunked(JSON, CT_JSON)),
    Case("gzip", reply=ok(gzip.compress(JSON), CT_JSON, "Content-Encoding: gzip")),
    Case("chunked-gzip", reply=chunked(gzip.compress(JSON), "Content-Encoding: GZIP", CT_JSON)),
    Case("deflate", reply=ok(zlib.compress(JSON), "Content-Encoding: deflate")),
    Case("raw-deflate", reply=ok(RAW, "Content-Encoding: deflate")),
    Case(
        "gzip-then-identity-then-br",
        reply=ok(gzip.compress(JSON), "Content-Encoding: gzip, identity", "Content-Encoding: br"),
    ),
    Case("not-really-gzip", reply=ok(JSON, "Content-Encoding: gzip")),
    Case(
        "repeated-headers",
        reply=ok(b"", "Set-Cookie: a=1", "X-Dup: 1", "set-cookie: b=2", "x-dup:2", "X-Pad:  v  "),
    ),
    Case("no-content", reply=reply("204 No Content", [CT_JSON])),
    Case("head", method="HEAD", reply=reply("200 OK", [CT_JSON, "Content-Length: 99"])),
    Case("server-error", reply=sized("500 Internal Server Error", [f"{CT}text/plain"], b"boom")),
    Case("redirect-not-followed", reply=sized("302 Found", ["Location: /elsewhere"], b"")),
    Case("early-hints", reply=reply("103 Early Hints", ["Link: </s.css>"]) + JSON_REPLY),
    Case("until-close", reply=reply("200 OK", [f"{CT}text/plain", "X-Empty:"], b"to the end")),
    # A head h11 normalises or refuses.
    Case("folded-header", reply=reply("200 OK", ["X-Fold: a", "  b", "Content-Length: 2"], b"ok")),
    Case("bare-line-feeds", reply=b"HTTP/1.1 200 OK\nX-A: 1\nContent-Length: 2\n\nok"),
    Case(
        "one-length-of-several",
        reply=reply("200 OK", ["Content-Length: 2", "content-length: 2, 2"], b"ok"),
    ),
    Case(
        "conflicting-lengths",
        reply=reply("200 OK", ["Content-Length: 2", "Content-Length: 3"], b"ok"),
    ),
    Case("bad-length", reply=reply("200 OK", ["Content-Length: two"], b"ok")),
    Case(
        "chunked-in-capitals",
        reply=reply("200 OK", ["Transfer-Encoding: Chunked"], b"2\r\nok\r\n0\r\n\r\n"),
    ),
    Case(
        "gzip-transfer-coding",
        reply=reply("200 OK", ["Transfer-Encoding: gzip, chunked"], b"0\r\n\r\n"),
    ),
    Case("not-a-header-line", reply=reply("200 OK", ["X-A : 1", "Content-Length: 2"], b"ok")),
    Case("not-a-header-name", reply=reply("200 OK", ["X(A): 1", "Content-Length: 2"], b"ok")),
    Case("not-a-status-line", reply=b"HTX/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    Case("status-without-reason", reply=b"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok"),
    Case("status-with-two-spaces", reply=b"HTTP/1.1  200 OK\r\nContent-Length: 2\r\n\r\nok"),
    Case("status-below-100", reply=reply("099 Odd", ["Content-Length: 2"], b"ok")),
    Case("switching-protocols", reply=reply("101 Switching Protocols", ["Upgrade: x"])),
    Case("http-1.0-until-close", reply=b"HTTP/1.0 200 OK\r\nX-A: 1\r\n\r\nto the end"),
    Case("leading-blank-line", reply=b"\r\n" + JSON_REPLY),
    Case("continuation-at-start", reply=reply("200 OK", ["  x", "Content-Length: 2"], b"ok")),
    Case(
        "length-then-a-bad-one", reply=reply("200 OK", ["Content-Length: 2", "Content-Length: x"])
    ),
    Case("two-transfer-encodings", reply=reply("200 OK", [*["Transfer-Encoding: chunked"] * 2])),
    Case("not-modified-with-length", reply=reply("304 Not Modified", ["Content-Length: 5"])),
    Case(
        "chunked-beats-length",
        reply=reply(
            "200 OK", ["Content-Length: 99", "Transfer-Encoding: chunked"], b"2\r\nok\r\n0\r\n\r\n"
        ),
    ),
    Case(
        "chunk-extensions-and-trailers",
        reply=reply(
            "200 OK",
            ["Transfer-Encoding: chunked"],
            b"5;name=v \r\nhello\r\n1 \r\n!\r\n0;x\r\nX-Trailer: 1\r\n  folded\r\n\r\n",
        ),
    ),
    Case("bad-chunk-header", reply=reply("200 OK", ["Transfer-Encoding: chunked"], b"z\r\n")),
    Case(
        "bad-chunk-footer",
        reply=reply("200 OK", ["Transfer-Encoding: chunked"], b"2\r\nokX\r\n0\r\n\r\n"),
    ),
    Case(
        "bad-trailer",
        reply=reply("200 OK", ["Transfer-Encoding: chunked"], b"0\r\nX Y: 1\r\n\r\n"),
    ),
    # Bounds: h11's 100 KiB on an incomplete head, not http.client's per line and per header.
    Case("head-too-long", reply=reply("200 OK", ["X-Big: " + "a" * 200_000, "Content-Length: 0"])),
    Case(
        "long-header-line", reply=reply("200 OK", ["X-Big: " + "a" * 70_000, "Content-Length: 0"])
    ),
    Case(
        "many-headers",
        reply=reply("200 OK", [f"X-{i}: {i}" for i in range(150)] + ["Content-Length: 0"]),
    ),
    Case("large-body", reply=ok(b"x" * 300_000, f"{CT}text/plain")),
    Case("large-body-until-close", reply=reply("200 OK", [], b"y" * 300_000)),
    # Charsets as email's Message reads them (httpx's way).
    Case("quoted-charset-escapes", reply=ok(b"caf\xe9", f'{CT}text/plain; charset="latin\\-1"')),
    Case("charset-in-rfc-2231", reply=ok(b"caf\xe9", f"{CT}text/plain; charset*=''latin-1")),
    Case(
        "charset-after-semicolons",
        reply=ok(b"caf\xe9", f'{CT}text/plain;; a="x;y"; CharSet = latin-1'),
    ),
    # How it fails.
    Case("no-response", reply=b""),
    Case("truncated-body", reply=reply("200 OK", ["Content-Length: 10"], b"1234")),
    Case("truncated-chunks", reply=reply("200 OK", ["Transfer-Encoding: chunked"], b"a\r\n12345")),
    Case("truncated-head", reply=b"HTTP/1.1 200 OK\r\nX-A: 1"),
    Case("truncated-chunk-header", reply=reply("200 OK", ["Transfer-Encoding: chunked"], b"a")),
    Case("truncated-trailers", reply=reply("200 OK", ["Transfer-Encoding: chunked"], b"0\r\nX: 1")),
    Case("read-timeout", timeout=0.2, delay=1.0),
]


def outcome(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except ActivityFailed as exc:
        return ("failed", str(exc))


def seen_by(server: RawServer, action: Callable[[], Any]) -> tuple[Any, list[bytes]]:
    """What ``action`` returned and the requests the server received meanwhile, without the
    headers that differ on purpose."""
    server.requests.clear()
    result = outcome(action)
    return result, [
        b"\r\n".join(
            line
            for line in request.split(b"\r\n")
            if line.split(b":", 1)[0].lower() not in DELIBERATELY_DIFFERENT
        )
        for request in server.requests
    ]


def both(spec: HttpSpec, server: RawServer | None = None) -> tuple[Any, Any]:
    """The plain path's outcome and httpx's; with a server, the requests it saw are equal."""
    assert as_plain_request(spec) is not None, "expected the plain http path"
    call = Call(RunContext(), {}, {})
    if server is None:
        return outcome(lambda: run(spec, call)), outcome(lambda: run_with_httpx(spec))
    plain, plain_requests = seen_by(server, lambda: run(spec, call))
    reference, reference_requests = seen_by(server, lambda: run_with_httpx(spec))
    assert reference_requests, "the server saw no request"
    assert plain_requests == reference_requests
    return plain, reference


@pytest.fixture
def server() -> Iterator[RawServer]:
    with raw_server() as server:
        server.replies["/"] = Reply(JSON_REPLY)
        yield server


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_sent_and_read_as_httpx_does(server: RawServer, case: Case) -> None:
    server.replies[f"/{case.id}"] = Reply(case.reply, case.delay)
    spec = HttpSpec(
        url=f"{server.base}/{case.id}{case.query}",
        method=case.method,
        headers=case.headers,
        arguments=case.arguments,
        timeout=case.timeout,
    )
    plain, reference = both(spec, server)
    assert plain == reference


def test_a_timeout_and_a_connection_refused_read_as_before(server: RawServer) -> None:
    server.replies["/slow"] = Reply(JSON_REPLY, delay=1.0)
    url = f"{server.base}/slow"
    assert both(HttpSpec(url=url, timeout=0.2), server) == (("failed", f"GET {url} timed out"),) * 2
    with raw_server() as closed:
        url = closed.base + "/"
    expected = ("failed", f"GET {url} failed: [Errno 111] Connection refused")
    assert both(HttpSpec(url=url)) == (expected, expected)


def test_reading_is_bounded_by_the_second_timeout(server: RawServer) -> None:
    server.replies["/slow"] = Reply(JSON_REPLY, delay=0.6)
    url = f"{server.base}/slow"
    timed_out = ("failed", f"GET {url} timed out")
    assert both(HttpSpec(url=url, timeout=[5, 0.2]), server) == (timed_out, timed_out)
    plain, reference = both(HttpSpec(url=url, timeout=[0.2, 5]), server)
    assert plain == reference
    assert plain["status"] == 200


def test_connecting_is_bounded_by_the_connect_timeout() -> None:
    with full_listener() as port:
        url = f"http://127.0.0.1:{port}/"
        plain, reference = both(HttpSpec(url=url, timeout=[0.2, 30]))
    assert plain == reference == ("failed", f"GET {url} timed out")


@pytest.mark.parametrize("suffix", ["", "/?", "/#fragment", "/a/.b/%7e/%zz;p=1", "/?q=%E6%97%A5"])
def test_url_forms(server: RawServer, suffix: str) -> None:
    server.replies["/a/.b/%7e/%zz;p=1"] = Reply(JSON_REPLY)
    plain, reference = both(HttpSpec(url=server.base + suffix), server)
    assert plain == reference
    assert plain["status"] == 200


def test_a_host_name_and_an_ipv6_literal() -> None:
    with raw_server("::1") as server:
        server.replies["/"] = Reply(JSON_REPLY)
        plain, reference = both(HttpSpec(url=server.base + "/"), server)
        assert plain == reference
    with raw_server() as server:
        server.replies["/x"] = Reply(JSON_REPLY)
        port = server.base.rsplit(":", 1)[1]
        plain, reference = both(HttpSpec(url=f"http://LocalHost:{port}/x"), server)
        assert plain == reference
