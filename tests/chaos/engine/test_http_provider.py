"""The http provider as the Chaos Toolkit sends requests, seen by a real loopback server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

import pytest

from chaos.actions.context import RunContext
from chaos.providers import Call
from chaos.providers.http import HttpSpec, run
from testbed.serving import serving


@dataclass
class Seen:
    method: str
    path: str
    query: str
    content_type: str | None
    body: str


@dataclass
class Recorder:
    url: str
    seen: list[Seen] = field(default_factory=list)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    recorder = Recorder(url=f"http://127.0.0.1:{server.server_address[1]}/echo")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parsed = urlparse(self.path)
            recorder.seen.append(
                Seen(
                    self.command,
                    parsed.path,
                    parsed.query,
                    self.headers.get("Content-Type"),
                    self.rfile.read(length).decode() if length else "",
                )
            )
            data = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Request-ID", "abc")
            self.send_header("Set-Cookie", "a=1")
            self.send_header("Set-Cookie", "b=2")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _record

    server.RequestHandlerClass = Handler
    server.daemon_threads = True
    with serving(server):
        yield recorder


def call(spec: HttpSpec) -> dict[str, Any]:
    output: dict[str, Any] = run(spec, Call(RunContext(), {}, {}))
    return output


ARGS = {"name": "front", "count": 2}


def test_a_post_is_form_encoded_by_default(recorder: Recorder) -> None:
    call(HttpSpec(url=recorder.url, method="POST", arguments=ARGS))
    seen = recorder.seen[0]
    assert seen.content_type == "application/x-www-form-urlencoded"
    assert seen.body == "name=front&count=2"


@pytest.mark.parametrize("content_type", ["application/json", "application/merge-patch+json"])
def test_json_only_when_the_header_says_json(recorder: Recorder, content_type: str) -> None:
    call(
        HttpSpec(
            url=recorder.url, method="PATCH", headers={"content-type": content_type}, arguments=ARGS
        )
    )
    seen = recorder.seen[0]
    assert seen.content_type == content_type
    assert json.loads(seen.body) == ARGS


def test_a_string_body_is_sent_as_it_is(recorder: Recorder) -> None:
    call(HttpSpec(url=recorder.url, method="PUT", arguments="raw text"))
    assert recorder.seen[0].body == "raw text"


def test_get_arguments_go_to_the_query_string(recorder: Recorder) -> None:
    call(HttpSpec(url=recorder.url, arguments=ARGS))
    assert (recorder.seen[0].query, recorder.seen[0].body) == ("name=front&count=2", "")


@pytest.mark.parametrize("method", ["DELETE", "OPTIONS", "HEAD"])
def test_delete_options_head_send_their_arguments_in_the_body(
    recorder: Recorder, method: str
) -> None:
    call(HttpSpec(url=recorder.url, method=method, arguments=ARGS))
    seen = recorder.seen[0]
    assert (seen.method, seen.query, seen.body) == (method, "", "name=front&count=2")


def test_response_header_names_are_kept_as_sent(recorder: Recorder) -> None:
    output = call(HttpSpec(url=recorder.url))
    assert output["headers"]["X-Request-ID"] == "abc"
    assert output["headers"]["Set-Cookie"] == "a=1, b=2"
    assert "x-request-id" not in output["headers"]
    assert output["body"] == {"ok": True}
