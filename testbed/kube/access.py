"""Who may do what: the token's user, the read-only ``viewer`` (RBAC's ``view`` role), and
denials a test switches on for chosen verbs and resources, answered 403 Forbidden in the real
server's words (``nodes "n1" is forbidden: User "admin" cannot patch resource "nodes" in API
group "" at the cluster scope``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from testbed.kube.resources import ApiError, Resource

_WRITE_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch"}
READ_VERBS = frozenset({"get", "list", "watch"})


def verb_of(method: str, name: str | None, watch: bool) -> str:
    """The RBAC verb of a request."""
    if method == "GET":
        return "get" if name else ("watch" if watch else "list")
    if method == "DELETE":
        return "delete" if name else "deletecollection"
    return _WRITE_VERBS.get(method, method.lower())


@dataclass(frozen=True)
class Denial:
    verb: str  # "patch", or "*" for every verb
    resource: str  # "nodes", "pods/eviction", "deployments/scale", or "*"
    group: str | None = None  # None: any group
    namespace: str | None = None  # None: everywhere
    user: str | None = None  # None: every user

    def covers(
        self, user: str, verb: str, resource: str, group: str, namespace: str | None
    ) -> bool:
        return (
            self.verb in ("*", verb)
            and self.resource in ("*", resource)
            and self.group in (None, group)
            and self.namespace in (None, namespace)
            and self.user in (None, user)
        )


class Access:
    def __init__(self) -> None:
        self._denials: list[Denial] = []
        self._lock = threading.Lock()

    def deny(
        self,
        verb: str,
        resource: str,
        group: str | None = None,
        namespace: str | None = None,
        user: str | None = None,
    ) -> Denial:
        """From now on, answer 403 to ``verb`` on ``resource`` (``plural`` or ``plural/sub``)."""
        denial = Denial(verb, resource, group, namespace, user)
        with self._lock:
            self._denials.append(denial)
        return denial

    def allow(self, denial: Denial | None = None) -> None:
        """Lift one denial, or all of them."""
        with self._lock:
            self._denials = [d for d in self._denials if denial is not None and d != denial]

    def check(
        self,
        user: str,
        verb: str,
        resource: Resource,
        sub: str | None,
        namespace: str | None,
        name: str | None,
    ) -> None:
        plural = f"{resource.plural}/{sub}" if sub else resource.plural
        with self._lock:
            denied = any(
                d.covers(user, verb, plural, resource.group, namespace) for d in self._denials
            )
        if denied or (user == "viewer" and verb not in READ_VERBS):
            raise forbidden(user, verb, resource, plural, namespace, name)


def forbidden(
    user: str,
    verb: str,
    resource: Resource,
    plural: str,
    namespace: str | None,
    name: str | None,
) -> ApiError:
    what = f'{resource.qualified} "{name}"' if name else resource.qualified
    where = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    return ApiError(
        403,
        "Forbidden",
        f'{what} is forbidden: User "{user}" cannot {verb} resource "{plural}" in API group '
        f'"{resource.group}" {where}',
        {"name": name or "", "kind": resource.plural, "group": resource.group},
    )
