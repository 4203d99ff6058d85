"""What the services promise to whoever calls them: texts, paths, ports and names.

The services serve these; the runner, the demo, the benchmarks and the tests rely on them, so
each is written here once. The module imports nothing: ``chaos`` may import it (and nothing
else from ``services``) without pulling in a web framework.
"""

__all__ = [
    "BACKEND_MESSAGE",
    "BACKEND_PORT",
    "BACKEND_SERVICE",
    "BACKEND_URL",
    "BREAKER_CLOSED",
    "BREAKER_DISABLED",
    "BREAKER_EVENTS_PATH",
    "BREAKER_FORCED_OPEN",
    "BREAKER_HALF_OPEN",
    "BREAKER_METRICS_ONLY",
    "BREAKER_OPEN",
    "BREAKER_PATH",
    "BREAKER_STATES",
    "BULKHEADS_PATH",
    "BULKHEAD_EVENTS_PATH",
    "CIRCUIT_BREAKERS_PATH",
    "FALLBACK_MESSAGE",
    "FAULTS_PATH",
    "FAULTS_TOKEN_HEADER",
    "FAULTS_TOKEN_KEY",
    "FAULTS_TOKEN_SECRET",
    "FRONTEND_PORT",
    "LIVENESS_PATH",
    "MESSAGE_PATH",
    "METRICS_PATH",
    "PAGE_TITLE",
    "READINESS_PATH",
]

#: The backend's answer to ``GET MESSAGE_PATH`` (text/plain); the frontends show it in an <h2>.
BACKEND_MESSAGE = "Hello, I'm backend!"
#: What frontend v2 shows, with HTTP 200, when its backend call fails or the breaker rejects it.
FALLBACK_MESSAGE = "Sorry...I'm frontend."
#: The frontends' page title, also their navbar brand ("Sample application").
PAGE_TITLE = "サンプルアプリケーション"

MESSAGE_PATH = "/message"
#: Frontend v2's breaker state and counters, as JSON.
BREAKER_PATH = "/breaker"
#: Frontend v2's Resilience4j actuator: its breakers by name, and their buffered events
#: (``/{name}/{eventType}`` narrows them), as resilience4j-spring-boot serves them.
CIRCUIT_BREAKERS_PATH = "/actuator/circuitbreakers"
BREAKER_EVENTS_PATH = "/actuator/circuitbreakerevents"
#: Frontend v2's bulkhead in the actuator: its name, and its buffered events.
BULKHEADS_PATH = "/actuator/bulkheads"
BULKHEAD_EVENTS_PATH = "/actuator/bulkheadevents"
LIVENESS_PATH = "/healthz"
#: 200 once the service has started; never depends on another service.
READINESS_PATH = "/readyz"
METRICS_PATH = "/metrics"
#: The backend's fault injection (only when BACKEND_FAULTS_ENABLED=true): PUT starts, DELETE ends.
FAULTS_PATH = "/admin/faults"
#: The request header carrying the fault route's token (BACKEND_FAULTS_TOKEN); not
#: ``Authorization``, which the API server's service proxy keeps for itself.
FAULTS_TOKEN_HEADER = "X-Faults-Token"
#: On Kubernetes: the Secret (in the backend's namespace) and its key holding that token.
FAULTS_TOKEN_SECRET = "backend-faults"
FAULTS_TOKEN_KEY = "token"

BACKEND_PORT = 8081
FRONTEND_PORT = 8080
#: The Kubernetes Service in front of the backend: the host in the frontends' default URL.
BACKEND_SERVICE = "backend"
#: Where a frontend calls the backend unless ``BACKEND_URL`` says otherwise.
BACKEND_URL = f"http://{BACKEND_SERVICE}:{BACKEND_PORT}{MESSAGE_PATH}"

# Frontend v2's breaker states as ``/breaker``, the metrics' ``state`` label and the runner's
# measurement write them: Resilience4j's ``CircuitBreaker.State`` names in lower case.
BREAKER_CLOSED = "closed"
BREAKER_OPEN = "open"
BREAKER_HALF_OPEN = "half_open"
BREAKER_DISABLED = "disabled"
BREAKER_FORCED_OPEN = "forced_open"
BREAKER_METRICS_ONLY = "metrics_only"
BREAKER_STATES = (
    BREAKER_CLOSED,
    BREAKER_OPEN,
    BREAKER_HALF_OPEN,
    BREAKER_DISABLED,
    BREAKER_FORCED_OPEN,
    BREAKER_METRICS_ONLY,
)
