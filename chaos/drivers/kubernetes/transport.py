"""Requests to the Kubernetes API as a careful operator makes them.

Requests go through the client's configured REST layer (authentication, TLS, proxies from
the kubeconfig) with JSON bodies sent and read as they are: the typed API classes change
between client versions and drop fields they do not model. Transient failures are retried
(see ``retry``); a delete whose answer was lost is resolved by reading the object back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlencode

import urllib3
from kubernetes import client

from chaos.drivers.base import DriverError, NotFound, OutcomeUnknown, TargetUnreachable
from chaos.drivers.kubernetes.connection import connect, refused, unreachable
from chaos.drivers.kubernetes.retry import Backoff, may_have_applied, retry_after, transient_status
from chaos.drivers.kubernetes.settings import KubeSettings
from chaos.signalstate import stop_pending

T = TypeVar("T")

CORE = "/api/v1"
APPS = "/apis/apps/v1"


class Retryable(Exception):
    """A transient failure: ``error`` is what to raise if no further try is allowed."""

    def __init__(self, error: DriverError, why: str, hint: float | None, maybe_applied: bool):
        super().__init__(why)
        self.error, self.why, self.hint, self.maybe_applied = error, why, hint, maybe_applied


class ApiCalls:
    """One cluster's API: sending, translating failures, retrying, resolving lost answers."""

    def __init__(
        self,
        context: str | None = None,
        kubeconfig: str | None = None,
        settings: KubeSettings | None = None,
    ) -> None:
        self.context = context
        self.kubeconfig = kubeconfig
        self.settings = settings or KubeSettings()
        self._client: client.ApiClient | None = None

    @property
    def api_client(self) -> client.ApiClient:
        """The configured client, created on first use (raises ``TargetUnreachable``)."""
        if self._client is None:
            self._client = connect(self.context, self.kubeconfig)
        return self._client

    @property
    def host(self) -> str:
        return str(self.api_client.configuration.host)

    def send(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        timeout: tuple[float, float] | None = None,
        text: bool = False,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Any:
        """One request; the answer's JSON (its text with ``text``), or ``ApiException`` for a
        non-2xx answer."""
        api = self.api_client
        configuration = api.configuration
        accept = "*/*" if text else "application/json"
        headers = {"Accept": accept, **api.default_headers, **(extra_headers or {})}
        if body is not None:
            headers["Content-Type"] = content_type
        for auth in configuration.auth_settings().values():
            if auth.get("in") == "header" and auth.get("value"):
                headers[auth["key"]] = auth["value"]
        params = {k: v for k, v in (query or {}).items() if v is not None}
        url = configuration.host + path + (f"?{urlencode(params)}" if params else "")
        response = api.rest_client.request(
            method,
            url,
            headers=headers,
            body=body,
            _request_timeout=timeout or self.settings.request_timeout,
        )
        # Client versions differ: older ones raise for a non-2xx answer and preload the body
        # as text, newer ones return the response and read it on demand.
        data = response.data if response.data is not None else response.read()
        if not 200 <= response.status <= 299:
            raise client.ApiException(http_resp=response)
        if text:
            return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
        return json.loads(data)

    def once(self, doing: str, missing: str | None, call: Callable[[], T]) -> T:
        """Run ``call`` once, turning failures into one-sentence ``DriverError``s; a transient
        failure becomes ``Retryable``. ``missing``: the sentence for a 404 (None: a refusal).
        """
        try:
            return call()
        except client.ApiException as exc:
            if exc.status == 404 and missing is not None:
                raise NotFound(missing) from None
            if exc.status == 0:  # the client's own report of a failed TLS handshake
                raise TargetUnreachable(
                    f"cannot reach the Kubernetes API at {self.host}: the TLS handshake failed"
                ) from None
            error = refused(self.host, doing, exc)
            if transient_status(exc):
                raise Retryable(
                    error, f"the API answered {exc.status}", retry_after(exc), may_have_applied(exc)
                ) from None
            raise error from None
        except urllib3.exceptions.HTTPError as exc:
            error = unreachable(self.host, exc)
            why = str(error).rsplit(": ", 1)[-1]
            raise Retryable(error, why, None, may_have_applied(exc)) from None
        except ValueError:  # a body that is not JSON: a proxy's error page, not an API server
            raise DriverError(
                f"the server at {self.host} did not answer like a Kubernetes API when asked to "
                f"{doing}"
            ) from None

    def backoff(self, deadline: float | None = None) -> Backoff:
        return Backoff(deadline if deadline is not None else self.settings.retry_deadline)

    def call(
        self, doing: str, missing: str | None, call: Callable[[], T], *, write: bool = False
    ) -> T:
        """A call that may be repeated safely (reads, setting a value): transient failures
        are tried again until the deadline. A ``write`` one of whose attempts may have been
        applied ends, if it fails in the end, in ``OutcomeUnknown`` (never a refusal that
        says nothing changed): the change may be in place, its undo must look."""
        backoff = self.backoff()
        sent = False
        while True:
            try:
                return self.once(doing, missing, call)
            except Retryable as failure:
                sent = sent or (write and failure.maybe_applied)
                if not backoff.wait(f"{failure.why} when asked to {doing}", failure.hint):
                    if failure.maybe_applied and stop_pending():
                        raise OutcomeUnknown(
                            f"{failure.error}; the run is stopping, so whether it was applied "
                            "is unknown"
                        ) from None
                    if sent:
                        raise OutcomeUnknown(
                            f"{failure.error}; an attempt may have been applied, so the "
                            "outcome is unknown"
                        ) from None
                    raise failure.error from None
            except (NotFound, OutcomeUnknown):
                raise
            except DriverError as refusal:
                if not sent:
                    raise
                # A repeat refused (a create's 409, say): the first attempt may be why.
                raise OutcomeUnknown(
                    f"{refusal}, after an attempt whose answer was lost; whether that one was "
                    "applied is unknown"
                ) from None

    def delete_resolving(
        self, doing: str, missing: str, call: Callable[[], Any], still_there: Callable[[], bool]
    ) -> None:
        """A delete whose lost answer is resolved by reading the object, never assumed.

        After a failure that may have been applied, a 404 means our earlier request did it.
        """
        backoff = self.backoff()
        sent = False
        while True:
            try:
                self.once(doing, missing, call)
                return
            except NotFound:
                if sent:
                    return  # a 404 to the repeated request: the first one went through
                raise
            except Retryable as failure:
                if failure.maybe_applied:
                    sent = True
                    if not self._still_there(doing, still_there, backoff):
                        return
                if not backoff.wait(f"{failure.why} when asked to {doing}", failure.hint):
                    if sent:
                        raise OutcomeUnknown(
                            f"{failure.error}; whether it was applied is unknown"
                        ) from None
                    raise failure.error from None

    def _still_there(self, doing: str, still_there: Callable[[], bool], backoff: Backoff) -> bool:
        while True:
            try:
                return self.once(f"read back after trying to {doing}", None, still_there)
            except Retryable as failure:
                if not backoff.wait(f"{failure.why} when reading back", failure.hint):
                    raise OutcomeUnknown(
                        f"cannot tell whether the Kubernetes API at {self.host} managed to "
                        f"{doing}: {failure.error}"
                    ) from None

    def present(self, path: str) -> bool:
        """True while the object exists and is not being deleted."""
        try:
            obj = self.send("GET", path)
        except client.ApiException as exc:
            if exc.status == 404:
                return False
            raise
        return not obj.get("metadata", {}).get("deletionTimestamp")
