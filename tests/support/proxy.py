"""``chaosrun proxy`` as a user starts it, in a child process, for the proxy's tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from testbed.polling import answers, wait_until
from testbed.procs import free_port
from tests.support.cli import spawn_chaosrun

READY_PATH = "/__chaosrun/ready"


@dataclass
class RunningProxy:
    proc: subprocess.Popen[str]
    url: str

    def stop(self) -> str:
        """SIGTERM, then its whole output once it has exited."""
        if self.proc.poll() is None:
            self.proc.terminate()
        out, _ = self.proc.communicate(timeout=20)
        return out


@contextmanager
def running_proxy(upstream: str, *args: str) -> Iterator[RunningProxy]:
    """A proxy on a free loopback port in front of ``upstream``, ready when yielded."""
    url = f"http://127.0.0.1:{free_port()}"
    listen = url.removeprefix("http://")
    proc = spawn_chaosrun("proxy", "--listen", listen, "--upstream", upstream, *args)
    proxy = RunningProxy(proc, url)
    try:
        wait_until(lambda: proc.poll() is not None or answers(url + READY_PATH), 30, "the proxy")
        if proc.poll() is not None:
            raise RuntimeError(f"the proxy exited: {proc.communicate()[0]}")
        yield proxy
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=20)
