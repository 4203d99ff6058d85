"""The fault proxy of ``chaosrun latency --service`` on the local stack.

A Service here is a program (``backend`` is ``back``) and its consumers reach it through the
URL in their environment (the frontends' ``BACKEND_URL``). The proxy is one more program,
``chaosrun proxy`` in front of the Service's program; the "selector swap" points the consumers'
URL at the proxy (they restart with it, as pods would be rolled), and the undo points them back
at the URLs ``chaosrun local up`` laid out, then removes the proxy program. No shadow Service is
needed: the proxy's upstream is the program's own address.
"""

from __future__ import annotations

import contextlib
from typing import Any

from chaos.defaults import PROXY_READY_PATH
from chaos.drivers.base import (
    RUN_LABEL,
    Conflict,
    NotFound,
    ProxyFault,
    ServiceInfo,
    ServiceProxy,
)
from chaos.drivers.local.layout import HOST, NAMESPACE, SERVICE_ALIASES, Layout, Program
from chaos.drivers.local.ports import pick_port
from chaos.drivers.local.stack import LocalStack
from chaos.drivers.local.supervisor import SupervisorFault

# The environment variable through which consumers reach a Service.
URL_VARIABLE = "BACKEND_URL"
# Seconds the consumers restarted with a new URL may take to be ready again.
RESTART_TIMEOUT = 30.0


class LocalServiceProxies:
    stack: LocalStack

    def _service_program(self, name: str, namespace: str) -> Program:
        layout = self.stack.layout()
        program_name = SERVICE_ALIASES.get(name)
        program = self.stack.live_programs().get(program_name or "")
        if namespace != NAMESPACE or layout is None or program is None:
            raise NotFound(f"Service {name!r} not found in namespace {namespace!r}.")
        return program

    def get_service(self, name: str, namespace: str) -> ServiceInfo:
        program = self._service_program(name, namespace)
        port = {"name": "http", "port": program.port, "targetPort": program.port, "protocol": "TCP"}
        # A local program's labels are both what its Service selects and what it carries.
        return ServiceInfo(name, namespace, dict(program.labels), [port], dict(program.labels))

    def front_service(
        self, plan: ServiceProxy, ports: list[dict[str, Any]], fault: ProxyFault
    ) -> None:
        target = self._service_program(plan.service, plan.namespace)
        programs = self.stack.live_programs()
        taken = {p.port for p in programs.values()}
        existing = programs.get(plan.proxy)
        port = existing.port if existing is not None else pick_port(0, taken)
        proxy = Program(
            name=plan.proxy,
            module="chaos",
            service=plan.proxy,
            labels={**plan.proxy_selector, RUN_LABEL: plan.run},
            port=port,
            args=[
                "proxy",
                "--listen",
                f"{HOST}:{port}",
                "--upstream",
                target.url,
                "--delay",
                f"{fault.delay:g}",
                "--error-share",
                f"{fault.error_share:g}",
            ],
            ready_path=PROXY_READY_PATH,
        )
        self.stack.add_program(proxy)
        self.stack.wait_ready([proxy], fault.ready_timeout)
        self._repoint(target.url, proxy.url, programs)

    def unfront_service(self, plan: ServiceProxy) -> None:
        programs = self.stack.live_programs()
        proxy = programs.get(plan.proxy)
        layout = self.stack.layout()
        if proxy is not None and proxy.labels.get(RUN_LABEL) != plan.run:
            raise Conflict(
                f"program {plan.proxy} does not carry chaosrun's label {RUN_LABEL}={plan.run}, "
                "so it was not removed"
            )
        if layout is not None:
            self._point_back(layout, programs, plan.proxy)
        if proxy is not None:
            with contextlib.suppress(SupervisorFault):  # NOT_RUNNING, BAD_NAME: already gone
                self.stack.client.call("stopProcessGroup", proxy.name, True)
            with contextlib.suppress(SupervisorFault):
                self.stack.client.call("removeProcessGroup", proxy.name)
            self.stack.remove_program(proxy.name)

    def _repoint(self, old: str, new: str, programs: dict[str, Program]) -> None:
        """Restart every consumer of ``old`` with ``new`` in its place."""
        moved = []
        for program in programs.values():
            url = program.environment.get(URL_VARIABLE, "")
            if url.startswith(old + "/"):
                environment = {**program.environment, URL_VARIABLE: new + url[len(old) :]}
                moved.append(program.model_copy(update={"environment": environment}))
        self._restart(moved)

    def _point_back(self, layout: Layout, programs: dict[str, Program], proxy: str) -> None:
        """Restart every consumer whose URL is not the one laid out with that one again."""
        moved = []
        for name, program in programs.items():
            laid_out = layout.programs.get(name)
            if name == proxy or laid_out is None:
                continue
            url = laid_out.environment.get(URL_VARIABLE)
            if url is not None and program.environment.get(URL_VARIABLE) != url:
                environment = {**program.environment, URL_VARIABLE: url}
                moved.append(program.model_copy(update={"environment": environment}))
        self._restart(moved)

    def _restart(self, programs: list[Program]) -> None:
        for program in programs:
            self.stack.write_program(program)
            with contextlib.suppress(SupervisorFault):  # NOT_RUNNING
                self.stack.client.call("stopProcessGroup", program.name, True)
            with contextlib.suppress(SupervisorFault):  # BAD_NAME: removed meanwhile
                self.stack.client.call("removeProcessGroup", program.name)
            self.stack.add_program(program)
        self.stack.wait_ready(programs, RESTART_TIMEOUT)
