"""Which way an http activity goes: plain http:// over the standard library (a run of
them never imports httpx), https:// and whatever httpx would rewrite through httpx."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.providers import Call
from chaos.providers.http import HttpSpec, as_plain_request, run
from tests.chaos.engine.raw_http import RawServer, Reply, raw_server

JSON_REPLY = (
    b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'
)


@pytest.mark.parametrize(
    "url, arguments",
    [("/a/../b", None), ("/a b", None), ("/é", None), ("/x", 5), ("/x", ["ab"])],
)
def test_what_httpx_would_rewrite_goes_through_httpx(url: str, arguments: Any) -> None:
    spec = HttpSpec(url=f"http://127.0.0.1:1{url}", arguments=arguments)
    assert as_plain_request(spec) is None


def test_a_protocol_switch_goes_through_httpx() -> None:
    spec = HttpSpec(url="http://127.0.0.1:1/", headers={"Upgrade": "websocket"})
    assert as_plain_request(spec) is None


def test_an_http_run_does_not_import_httpx() -> None:
    script = textwrap.dedent(
        """
        import json, sys, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from chaos.actions.context import RunContext
        from chaos.providers import PROVIDERS, Call

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        http = PROVIDERS["http"]
        http.load([])
        spec = http.read({"type": "http", "url": f"http://127.0.0.1:{server.server_port}/"})
        output = http.run(spec, Call(RunContext(), {}, {}))
        loaded = sorted(m for m in sys.modules if m.startswith(("httpx", "httpcore")))
        print(json.dumps([output["status"], loaded]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == [200, []]


# What the plain path would otherwise import, each costing a short run milliseconds.
NOT_FOR_PLAIN_HTTP = ("http.client", "ssl", "email", "email.parser", "encodings.idna", "httpx")


def test_an_http_run_imports_neither_http_client_ssl_email_nor_idna() -> None:
    """A fresh process: a raw socket server (``http.server`` would import ``http.client``
    itself), one plain http activity against it."""
    script = textwrap.dedent(
        """
        import json, socket, sys, threading
        from chaos.actions.context import RunContext
        from chaos.providers import PROVIDERS, Call

        listener = socket.create_server(("127.0.0.1", 0))

        def answer():
            conn, _ = listener.accept()
            with conn:
                data = b""
                while b"\\r\\n\\r\\n" not in data:
                    data += conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\\r\\nContent-Type: text/plain; charset=utf-8\\r\\n"
                    b"Content-Length: 2\\r\\n\\r\\nok"
                )

        threading.Thread(target=answer, daemon=True).start()
        http = PROVIDERS["http"]
        http.load([])
        url = f"http://localhost:{listener.getsockname()[1]}/"
        output = http.run(http.read({"type": "http", "url": url}), Call(RunContext(), {}, {}))
        loaded = [m for m in sys.argv[1:] if m in sys.modules]
        print(json.dumps([output["status"], output["body"], loaded]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *NOT_FOR_PLAIN_HTTP],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout) == [200, "ok", []]


OPENSSL_SELF_SIGNED = (
    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
    " -subj /CN=127.0.0.1"
)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[RawServer]:
    """A server on loopback speaking https, with a self-signed certificate."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = [*OPENSSL_SELF_SIGNED.split(), "-keyout", str(key), "-out", str(cert)]
    subprocess.run(command, check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with raw_server(tls=context) as server:
        server.replies["/"] = Reply(JSON_REPLY)
        yield server


def test_https_still_goes_through_httpx(tls_server: RawServer) -> None:
    url = tls_server.base + "/"
    assert as_plain_request(HttpSpec(url=url)) is None
    call = Call(RunContext(), {}, {})
    output = run(HttpSpec(url=url, verify_tls=False), call)
    assert (output["status"], output["body"]["ok"]) == (200, True)
    assert b"User-Agent: python-httpx/" in tls_server.requests[0]
    with pytest.raises(ActivityFailed, match="CERTIFICATE_VERIFY_FAILED"):
        run(HttpSpec(url=url), call)


WARMING = """
import json, sys
from chaos.actions.context import RunContext
from chaos.engine.activity import ActivityRunner
from chaos.engine.settings import RunHooks, RunSettings
from chaos.experiment import validate_experiment
from chaos.providers import Call

probe = {"type": "probe", "name": "p", "provider": {"type": "http", "url": "${url}"}}
experiment = validate_experiment({"title": "t", "description": "d", "method": [probe]})
call, variables = Call(RunContext(), {}, {}), {"url": sys.argv[1]}
runner = ActivityRunner(experiment, call, variables, RunSettings(), RunHooks())
runner.load_providers()
print(json.dumps("httpx" in sys.modules))
"""


@pytest.mark.parametrize(
    "url, imported",
    [
        ("http://127.0.0.1:1/", False),
        ("https://127.0.0.1:1/", True),
        ("http://127.0.0.1:1/a b", True),
    ],
)
def test_providers_are_loaded_for_the_urls_the_run_will_use(url: str, imported: bool) -> None:
    """Before the run's clock starts, httpx is imported when an activity will go through
    it, the URL known once its variables are substituted, and only then."""
    done = subprocess.run(
        [sys.executable, "-c", WARMING, url], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) is imported
