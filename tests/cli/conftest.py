from __future__ import annotations

from tests.engine.http_target import target  # noqa: F401
from tests.kube.cluster import fake_cluster, kubeconfig  # noqa: F401
