"""Talking to supervisord over its XML-RPC interface, with supervisor's own unix-socket client."""

from __future__ import annotations

import xmlrpc.client
from pathlib import Path
from typing import Any

from chaos.drivers.base import DriverError, TargetUnreachable


class SupervisorClient:
    """One supervisord, reached through its unix socket. A fresh proxy per call (thread-safe)."""

    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path

    def _proxy(self) -> Any:
        from supervisor.xmlrpc import SupervisorTransport

        transport = SupervisorTransport(None, None, serverurl=f"unix://{self.socket_path}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)

    def call(self, method: str, *args: Any) -> Any:
        """Call ``supervisor.<method>`` (or ``system.<method>`` if it has a dot)."""
        name = method if "." in method else f"supervisor.{method}"
        proxy = self._proxy()
        try:
            return getattr(proxy, name)(*args)
        except OSError as exc:
            raise TargetUnreachable(
                f"No supervisord answers on {self.socket_path}: start the local stack with "
                "`chaosrun local up`."
            ) from exc
        except xmlrpc.client.Fault as fault:
            raise SupervisorFault(fault.faultCode, fault.faultString) from fault
        finally:
            proxy("close")()

    def alive(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            state = self.call("getState")
        except DriverError:
            return False
        return bool(state.get("statename") == "RUNNING")


class SupervisorFault(DriverError):
    """supervisord refused a call (e.g. BAD_NAME, ALREADY_ADDED, NOT_RUNNING)."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"supervisord refused the call: {text}")
        self.code = code
        self.text = text

    @property
    def kind(self) -> str:
        return self.text.split(":", 1)[0]
