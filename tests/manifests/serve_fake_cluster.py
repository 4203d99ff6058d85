"""Serve the fake Kubernetes API server with an overlay applied, for scripts/docker-smoke.

    python -m tests.manifests.serve_fake_cluster KUBECONFIG [--overlay v1]

Starts the fake cluster of testbed/kube on a loopback port, applies ``kubectl kustomize
k8s/overlays/<overlay>`` to it through the official client, waits until the ``back`` and
``front`` pods are ready, writes a kubeconfig (token authentication, current context ``fake``)
to KUBECONFIG, prints ``READY`` and serves until SIGTERM or SIGINT. The runner image then runs
``chaosrun pod`` against it with that kubeconfig.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType

from testbed.kube.cluster import FakeCluster
from tests.manifests.kustomize import OVERLAYS, apply, build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kubeconfig", type=Path)
    parser.add_argument("--overlay", choices=sorted(OVERLAYS), default="v1")
    args = parser.parse_args()

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    cluster = FakeCluster().start()
    try:
        path = cluster.write_kubeconfig(args.kubeconfig)
        apply(build(OVERLAYS[args.overlay]), path)
        cluster.wait_ready("app=back")
        cluster.wait_ready("app=front")
        print(f"READY {cluster.url}", flush=True)
        stop.wait()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
