from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.engine.http_target import Target, http_target
from tests.kube.cluster import fake_cluster, kubeconfig  # noqa: F401


@pytest.fixture
def target() -> Iterator[Target]:
    with http_target() as t:
        yield t
