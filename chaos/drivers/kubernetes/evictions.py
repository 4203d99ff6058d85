"""The Eviction API (``pods/eviction``): a pod asked to leave as ``kubectl drain`` asks, so the
PodDisruptionBudgets that cover it are honoured."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from kubernetes import client

from chaos.drivers.base import EvictionBlocked
from chaos.drivers.kubernetes.connection import api_message
from chaos.drivers.kubernetes.transport import CORE, ApiCalls


class PodEvictions(ApiCalls):
    def evict_pod(self, name: str, namespace: str) -> None:
        path = f"{CORE}/namespaces/{quote(namespace)}/pods/{quote(name)}/eviction"
        body = {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": name, "namespace": namespace},
        }

        def evict() -> Any:
            try:
                return self.send("POST", path, body=body)
            except client.ApiException as exc:
                # A budget's refusal is an answer, not a server asking us to slow down: the
                # caller retries it on its own deadline (the drain's timeout).
                if exc.status == 429:
                    raise EvictionBlocked(
                        f"pod {namespace}/{name} cannot be evicted yet: {api_message(exc)}"
                    ) from None
                raise

        # Repeating an eviction is harmless: a 404 then means the first one took the pod.
        self.call(
            f"evict pod {name!r} in namespace {namespace!r}",
            f"pod {name!r} not found in namespace {namespace!r}",
            evict,
        )
