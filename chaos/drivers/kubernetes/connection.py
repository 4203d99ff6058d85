"""Connecting to a cluster: kubeconfig or in-cluster config, and errors in one sentence."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import urllib3
from kubernetes import client, config
from kubernetes.config.config_exception import ConfigException

from chaos.drivers.base import DriverError, TargetUnreachable
from chaos.drivers.kubernetes.permissions import forbidden
from chaos.parsing import ParseError, parse_yaml, top_level_mapping

DEFAULT_KUBECONFIG = "~/.kube/config"
# urllib3 tries a refused or timed-out connection again (nothing was sent), never a request
# that went out: whether one of those may be repeated is the driver's decision (see retry.py).
RETRIES = urllib3.Retry(
    total=2, connect=2, read=0, status=0, other=0, redirect=0, respect_retry_after_header=False
)


def kubeconfig_paths(kubeconfig: str | None) -> tuple[str, list[Path]]:
    """The kubeconfig setting in use (argument, ``KUBECONFIG`` or the default) and its files."""
    setting = kubeconfig or os.environ.get("KUBECONFIG") or DEFAULT_KUBECONFIG
    paths = [Path(p).expanduser() for p in setting.split(os.pathsep) if p]
    return setting, [p for p in paths if p.is_file()]


def current_context(setting: str) -> str | None:
    """The kubeconfig's current context, or None when it cannot be read."""
    try:
        _, active = config.list_kube_config_contexts(config_file=setting)
    except (ConfigException, OSError, ValueError, TypeError, AttributeError):
        return None
    return str(active["name"]) if active and active.get("name") else None


def connect(context: str | None, kubeconfig: str | None) -> client.ApiClient:
    """An API client for ``context`` of the kubeconfig, or the in-cluster service account.

    Raises ``TargetUnreachable`` with one sentence when no usable configuration exists.
    """
    configuration = client.Configuration()
    setting, existing = kubeconfig_paths(kubeconfig)
    if not existing:
        if kubeconfig is None and context is None and os.environ.get("KUBERNETES_SERVICE_HOST"):
            try:
                config.load_incluster_config(client_configuration=configuration)
            except ConfigException as exc:
                raise TargetUnreachable(
                    f"the in-cluster configuration is not usable: {exc}"
                ) from None
            return _finish(configuration)
        raise TargetUnreachable(
            f"no kubeconfig found at {setting} and not running inside a cluster "
            "(set KUBECONFIG or pass a kubeconfig file)"
        )
    try:
        for path in existing:
            _check_kubeconfig(path)
        contexts, active = config.list_kube_config_contexts(config_file=setting)
        names = [c["name"] for c in contexts or []]
        if context is not None and context not in names:
            raise TargetUnreachable(
                f"context {context!r} is not defined in the kubeconfig {setting} "
                f"(known contexts: {', '.join(names) or 'none'})"
            )
        if context is None and not active:
            raise TargetUnreachable(
                f"the kubeconfig {setting} has no current context; pass one with --context"
            )
        config.load_kube_config(
            config_file=setting,
            context=context,
            client_configuration=configuration,
            persist_config=False,
        )
    except ConfigException as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TargetUnreachable(f"the kubeconfig {setting} is not usable: {detail}") from None
    except (OSError, ValueError) as exc:
        raise TargetUnreachable(f"the kubeconfig {setting} cannot be read: {exc}") from None
    except (AttributeError, TypeError) as exc:
        # A value of the wrong type deeper down (``server: 5``) fails inside the library.
        raise TargetUnreachable(
            f"the kubeconfig {setting} is not usable: the client library cannot read it ({exc})"
        ) from None
    return _finish(configuration)


# The lists the client merges across kubeconfig files: each entry has a name and keeps its
# settings under the singular key, which the client reads as a mapping.
_NAMED_LISTS = {"clusters": "cluster", "contexts": "context", "users": "user"}


def _named_entries(entries: Any, kind: str) -> bool:
    return isinstance(entries, list) and all(
        isinstance(e, dict) and "name" in e and isinstance(e.get(kind, {}), dict) for e in entries
    )


def _check_kubeconfig(path: Path) -> None:
    """Refuse a kubeconfig file the client library would fail on with a traceback: not
    YAML, not a mapping, or lists that do not hold named mappings."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
        if data is None:
            return  # the library reports an empty file itself
        mapping = top_level_mapping(data)
    except ParseError as exc:
        raise TargetUnreachable(f"the kubeconfig {path} is not usable: {exc}") from None
    for key, kind in _NAMED_LISTS.items():
        if not _named_entries(mapping.get(key) or [], kind):
            raise TargetUnreachable(
                f"the kubeconfig {path} is not usable: '{key}' must be a list of entries, "
                f"each with a name and a '{kind}' mapping"
            )


def _finish(configuration: client.Configuration) -> client.ApiClient:
    configuration.retries = RETRIES
    return client.ApiClient(configuration)


def _why_unreachable(exc: BaseException) -> str:
    reason: BaseException = exc
    while isinstance(reason, urllib3.exceptions.MaxRetryError) and reason.reason is not None:
        reason = reason.reason
    text = str(reason).lower()
    if isinstance(reason, urllib3.exceptions.NameResolutionError) or "name or service" in text:
        return "the host name does not resolve"
    if "connection refused" in text:
        return "connection refused"
    if isinstance(reason, urllib3.exceptions.ConnectTimeoutError):
        return "the connection timed out"
    if isinstance(reason, urllib3.exceptions.ReadTimeoutError):
        return "it did not answer in time"
    if isinstance(reason, urllib3.exceptions.SSLError):
        return "the TLS handshake failed"
    if isinstance(reason, urllib3.exceptions.ProtocolError):
        return "the connection was dropped"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return type(reason).__name__


def unreachable(host: str, exc: BaseException) -> TargetUnreachable:
    return TargetUnreachable(f"cannot reach the Kubernetes API at {host}: {_why_unreachable(exc)}")


def api_message(exc: client.ApiException) -> str:
    """The server's own explanation from a ``Status`` body, else the HTTP reason."""
    try:
        body = json.loads(exc.body or "")
    except (TypeError, ValueError):
        body = None
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return f"{exc.status} {exc.reason}".strip()


def refused(host: str, doing: str, exc: client.ApiException) -> DriverError:
    if exc.status == 401:
        return TargetUnreachable(
            f"the Kubernetes API at {host} does not accept our credentials: {api_message(exc)}"
        )
    if exc.status == 403:
        return forbidden(api_message(exc), doing)
    return DriverError(f"the Kubernetes API at {host} refused to {doing}: {api_message(exc)}")
