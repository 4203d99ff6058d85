"""Which breaker endpoint a run samples beside its live measurement."""

from __future__ import annotations


def breaker_url(given: str | None, frontend: str, measuring: bool) -> str | None:
    """The breaker endpoint to sample: the option, else v2's if the frontend serves it."""
    if given or not measuring:
        return given
    import json

    from chaos.measure import breaker_url_of
    from chaos.measure.transport import ProbeError, open_client

    candidate = breaker_url_of(frontend)
    client = open_client([candidate], timeout=1.0, connections=1)  # as the prober's
    try:
        status, body = client.get(candidate)
        found = status == 200 and "state" in json.loads(body)
    except (ProbeError, ValueError, TypeError):
        return None
    finally:
        client.close()
    return candidate if found else None
