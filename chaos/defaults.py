"""Every default of a run, defined once: the CLI, the demo, the engine and the prober use these."""

from __future__ import annotations

from pathlib import Path

NAMESPACE = "default"
# Kubernetes' own namespaces: chaos there is refused unless asked for, and a run record kept in
# the cluster may never restore into one.
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})
PAUSE = 10.0  # seconds after the chaos before the hypothesis is checked again
PROBE_INTERVAL = 0.1  # seconds between the live measurement's requests
# Seconds between two reads of v2's breaker transitions: far less than its event buffer
# (100 events) lasts even at one probe every 10 ms.
BREAKER_EVENTS_INTERVAL = 0.1
# chaosprometheus probes: the server chaostoolkit-prometheus queries unless the configuration's
# `prometheus_base_url` names another, and how long chaosrun waits for its answer.
PROMETHEUS_BASE_URL = "http://localhost:9090"
PROMETHEUS_TIMEOUT = 30.0
JOURNAL_PATH = Path("journal.json")
# The tutorial's objects (SPEC): what `chaosrun pod` and `chaosrun deployment` hit by default.
FRONTEND_SELECTOR = "app=front"
BACKEND_DEPLOYMENT = "back"
FRONTEND_SERVICE = "frontend"
# `chaosrun partition`: whose traffic is cut by default (the backend's pods); `chaosrun drain`:
# seconds the evictions may take (chaosk8s drain_nodes' default timeout).
PARTITION_SELECTOR = "app=back"
DRAIN_TIMEOUT = 120.0
# Seconds an interrupted run waits for a background activity's change in flight to be answered
# before its rollbacks undo it (each request is bounded by the client's own timeouts).
SETTLE_TIMEOUT = 60.0
# `chaosrun latency`: the backend's delay, and how long its fault outlives the pause (so the
# hypothesis after the pause still meets it) unless the rollback ends it first.
LATENCY_DELAY = 1.0
LATENCY_FAULT_MARGIN = 60.0
# The fault proxy of `latency --service`: its image (the runner image of this version, as
# k8s/runner and the guides tag it) unless CHAOSRUN_PROXY_IMAGE names another, and how long its
# pods may take to be Ready before the run gives up (and undoes what it created).
PROXY_IMAGE_ENV = "CHAOSRUN_PROXY_IMAGE"
PROXY_IMAGE = "chaosrun-runner:v1"
PROXY_READY_TIMEOUT = 120.0
# The proxy answers this path itself (200 once its upstream accepts connections).
PROXY_READY_PATH = "/__chaosrun/ready"
# Seconds the hypothesis waits for the frontend's page.
PAGE_TIMEOUT = 5.0
# `chaosrun demo`: shorter waits, so the whole story fits in well under a minute.
DEMO_PAUSE = 5.0
DEMO_BREAKER_WAIT = 2.0
# The demo's slow backend (act 4): slower than v2's slow-call threshold and than the page may
# take, within the frontends' backend timeout (1 s), so v2's breaker opens on slow calls.
DEMO_SLOW_DELAY = 0.8
DEMO_SLOW_PAUSE = 3.0
DEMO_PAGE_TIMEOUT = 0.5
DEMO_SLOW_CALL_THRESHOLD = 0.25
DEMO_SLOW_CALL_RATE = 80.0

__all__ = [
    "BACKEND_DEPLOYMENT",
    "BREAKER_EVENTS_INTERVAL",
    "DEMO_BREAKER_WAIT",
    "DEMO_PAGE_TIMEOUT",
    "DEMO_PAUSE",
    "DEMO_SLOW_CALL_RATE",
    "DEMO_SLOW_CALL_THRESHOLD",
    "DEMO_SLOW_DELAY",
    "DEMO_SLOW_PAUSE",
    "DRAIN_TIMEOUT",
    "FRONTEND_SELECTOR",
    "FRONTEND_SERVICE",
    "JOURNAL_PATH",
    "LATENCY_DELAY",
    "LATENCY_FAULT_MARGIN",
    "NAMESPACE",
    "PAGE_TIMEOUT",
    "PARTITION_SELECTOR",
    "PAUSE",
    "PROBE_INTERVAL",
    "PROMETHEUS_BASE_URL",
    "PROMETHEUS_TIMEOUT",
    "PROXY_IMAGE",
    "PROXY_IMAGE_ENV",
    "PROXY_READY_PATH",
    "PROXY_READY_TIMEOUT",
    "SYSTEM_NAMESPACES",
]
