"""chaostoolkit-prometheus's probes (``chaosprometheus.probes``), run by chaosrun itself.

Same arguments, same ``prometheus_base_url`` configuration key, same output: the JSON
payload of Prometheus's HTTP API as it comes (``{"status": "success", "data": {...}}``), so
tolerances written for the Chaos Toolkit (``$.data.result[0].value[1]``) read it unchanged.
Unlike the extension, a request is bounded in time and a failure is one sentence. httpx is
imported only when a query runs.
"""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.moments import moment_problem, parse_moment
from chaos.defaults import PROMETHEUS_BASE_URL, PROMETHEUS_TIMEOUT
from chaos.values import has_variables

# Seconds the HTTP request may take beyond the evaluation ``timeout`` handed to Prometheus.
_MARGIN = 5.0


def query(
    ctx: RunContext,
    query: str,
    when: str | None = None,
    timeout: float | None = None,
    verify_tls: bool = True,
    configuration: dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    """An instant query (``/api/v1/query``), at ``when`` if given, else now."""
    params: dict[str, Any] = {"query": query}
    if when:
        params["time"] = _moment(when, "when")
    return _get("query", params, timeout, verify_tls, configuration)


def query_interval(
    ctx: RunContext,
    query: str,
    start: str,
    end: str,
    step: int | str = 1,
    timeout: float | None = None,
    verify_tls: bool = True,
    configuration: dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    """A range query (``/api/v1/query_range``) from ``start`` to ``end`` every ``step``
    (seconds, or a Prometheus duration such as ``15s``)."""
    params: dict[str, Any] = {
        "query": query,
        "start": _moment(start, "start"),
        "end": _moment(end, "end"),
    }
    if step:
        params["step"] = step
    return _get("query_range", params, timeout, verify_tls, configuration)


def argument_problems(arguments: dict[str, Any]) -> list[str]:
    """What ``chaosrun validate`` can tell about a probe's arguments before any query."""
    problems: list[str] = []
    text = arguments.get("query")
    if "query" in arguments and (not isinstance(text, str) or not text.strip()):
        problems.append("argument 'query' must be a non-empty PromQL string")
    for name in ("when", "start", "end"):
        value = arguments.get(name)
        if value is None or has_variables(value):
            continue
        if problem := moment_problem(value):
            problems.append(f"argument '{name}': {problem}")
    return problems


def _moment(value: Any, name: str) -> float:
    try:
        return round(parse_moment(value), 3)
    except ValueError as exc:
        raise ActivityFailed(f"the Prometheus probe's '{name}' is wrong: {exc}") from None


def _base_url(configuration: dict[str, Any] | None) -> str:
    base = (configuration or {}).get("prometheus_base_url") or PROMETHEUS_BASE_URL
    if not isinstance(base, str) or not base.startswith(("http://", "https://")):
        raise ActivityFailed(
            f"the configuration's prometheus_base_url must be an http(s) URL (got {base!r})"
        )
    return base.rstrip("/")


def _http_timeout(timeout: Any) -> float:
    if isinstance(timeout, int | float) and not isinstance(timeout, bool):
        return max(PROMETHEUS_TIMEOUT, float(timeout) + _MARGIN)
    return PROMETHEUS_TIMEOUT


def _get(
    endpoint: str,
    params: dict[str, Any],
    timeout: Any,
    verify_tls: bool,
    configuration: dict[str, Any] | None,
) -> dict[str, Any]:
    import httpx

    base = _base_url(configuration)
    if timeout is not None:
        params["timeout"] = timeout
    url = f"{base}/api/v1/{endpoint}"
    waited = _http_timeout(timeout)
    try:
        # Plain http needs no TLS context (loading the CA bundle takes ~20 ms).
        verify = verify_tls and base.startswith("https://")
        with httpx.Client(verify=verify, timeout=waited) as client:
            response = client.get(url, params=params, headers={"Accept": "application/json"})
    except httpx.TimeoutException:
        raise ActivityFailed(f"Prometheus at {base} did not answer within {waited:g} s") from None
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise ActivityFailed(f"cannot reach Prometheus at {base}: {reason}") from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200:
        error = body.get("error") if isinstance(body, dict) else None
        if error:
            raise ActivityFailed(f"Prometheus rejected the query {params['query']!r}: {error}")
        raise ActivityFailed(f"Prometheus at {base} answered HTTP {response.status_code} to {url}")
    if not isinstance(body, dict):
        raise ActivityFailed(f"{url} did not answer Prometheus's JSON: is {base} a Prometheus?")
    return body
