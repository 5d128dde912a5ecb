"""Direct mode: resolve each recipient domain's route and walk its MX hosts until one takes it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from smtptui.engine.errors import SmtpTuiError
from smtptui.engine.plan import SessionPlan
from smtptui.engine.record import asdict
from smtptui.engine.runner import Emit, Runner
from smtptui.engine.session import EXIT_CONNECT
from smtptui.engine.transcript import Event, Result


def moves_on(result: Result) -> bool:
    """RFC 5321 §5.1: try the next address/host when this one could not start a session."""
    if result.outcome != "failed":
        return False
    return result.stage in ("connect", "banner", "helo")


class Walk:
    """One direct-mode run: a session per recipient domain, each walking its MX hosts."""

    def __init__(self, plan: SessionPlan, emit: Emit, *, dns: str | None = None,
                 pin: str = "", stepping: bool = False, auth: object | None = None,
                 dns_timeout: float = 5.0) -> None:
        self._template = plan
        self._emit = emit
        self.dns = dns or None
        self.pin = pin
        self.stepping = stepping
        self.auth = auth
        self.dns_timeout = dns_timeout
        self.runner: Runner | None = None
        self.position = ""  # "MX 2 of 3", for a status line
        self._t0 = time.monotonic()
        self._early: list[tuple[str, str]] = []  # instructions given before the first session
        self._idle = Runner(plan, lambda _item: None, t0=self._t0)  # stands in until then
        self._result: Result | None = None

    def control(self, verb: str, text: str = "") -> None:
        """Pass a stepping instruction to the session running now ("run" holds for all)."""
        if verb == "run":
            self.stepping = False
        if self.runner is None:
            self._early.append((verb, text))
        else:
            self.runner.control(verb, text)

    @property
    def session(self) -> Any:
        """The Session of the host being tried now (for status lines and the inspector)."""
        return (self.runner or self._idle).session

    @property
    def plan(self) -> SessionPlan:
        """The plan of the host being tried now."""
        return (self.runner or self._idle).plan

    def result(self) -> Result:
        """The combined Result once run() returned, else the current session's."""
        if self._result is not None:
            return self._result
        return (self.runner or self._idle).result()

    def _say(self, kind: str, stage: str, text: str) -> None:
        self._emit(Event(time.monotonic() - self._t0, kind, stage, text))

    async def run(self) -> Result:
        """Every domain in turn; the combined Result (first failure's exit code)."""
        from smtptui.engine.routes import group_by_domain

        groups = group_by_domain(self._template.recipients)
        if len(groups) > 1:
            self._say("info", "dns", f"recipients in {len(groups)} domains: one route and one "
                      "session per domain (" + ", ".join(groups) + ")")
        results = [await self._domain(domain, recipients)
                   for domain, recipients in groups.items()]
        self._result = _combine(results)
        return self._result

    async def _domain(self, domain: str, recipients: list[str]) -> Result:
        from smtptui.engine.routes import make_resolver, resolve_route

        try:
            resolver = make_resolver(self.dns, self.dns_timeout)
            route = await asyncio.to_thread(resolve_route, domain, resolver)
            if self.pin:
                route = route.pinned(self.pin)
        except SmtpTuiError as exc:
            kind = getattr(exc, "kind", "input")
            self._say("error", "dns", str(exc))
            code = 1 if kind == "input" else EXIT_CONNECT
            return Result(exit_code=code, outcome="failed", stage="dns", error=str(exc),
                          host=domain, diagnosis=_dns_diagnosis(kind, str(exc)))
        self._show_route(route)
        problem = route.unusable()
        if problem is not None:
            self._say("error", "dns", str(problem))
            return Result(exit_code=EXIT_CONNECT, outcome="failed", stage="dns",
                          error=str(problem), host=domain,
                          diagnosis=_dns_diagnosis(problem.kind, str(problem)))
        attempts = route.attempts()
        tried: list[dict[str, Any]] = []
        result = Result()
        hosts = [h.name for h in route.hosts if h.addresses]
        for host, address in attempts:
            index = hosts.index(host.name) + 1
            self.position = f"MX {index} of {len(hosts)}"
            plan = self._template.copy(host=host.name, address=address, recipients=list(recipients),
                                  tls_name=host.name, label=f"{self.position}: {host.name}")
            self.runner = Runner(plan, self._emit, stepping=self.stepping, auth=self.auth,
                                 resolver=resolver, t0=self._t0)
            for verb, text in self._early:
                self.runner.control(verb, text)
            self._early = []
            result = await self.runner.run()
            tried.append({"host": host.name, "address": address,
                          "preference": host.preference, "outcome": result.outcome,
                          "stage": result.stage, "error": result.error,
                          "exit_code": result.exit_code})
            if not moves_on(result):
                break
            self._say("info", "connect", f"leaving {host.name} [{address}]: {result.error}; "
                      "trying the next address or host")
        else:
            self._say("error", "connect", f"no MX host of {domain} took the session "
                      f"({len(tried)} attempts)")
        result.attempts = tried
        return result

    def _show_route(self, route: Any) -> None:
        kind = "implicit MX (no MX records: the domain's own address)" if route.implicit else "MX"
        self._say("info", "dns", f"route to {route.domain} ({kind}), from resolver "
                  f"{route.resolver or 'none'}:")
        for host in route.hosts:
            flags = f"  [{', '.join(host.flags)}]" if host.flags else ""
            addresses = ", ".join(host.addresses) or "no address"
            self._say("info", "dns", f"  {host.preference:>5}  {host.name}  {addresses}{flags}")


def _dns_diagnosis(kind: str, detail: str) -> dict[str, str]:
    """The diagnosis of a route that failed in DNS (none for bad input: nothing was looked up)."""
    from smtptui.engine.diagnose import Facts, diagnose

    if kind == "input":
        return {}
    found = diagnose(Facts(stage="dns", kind=kind, detail=detail))
    return found.as_dict() if found is not None else {}


def _combine(results: list[Result]) -> Result:
    """One Result for several domains: the first failure decides the exit code."""
    if len(results) == 1:
        return results[0]
    failed = [r for r in results if r.exit_code != 0]
    base = failed[0] if failed else results[-1]
    merged = Result(**{k: v for k, v in asdict(base).items() if k not in ("rejected",)})
    merged.rejected = [rej for r in results for rej in r.rejected]
    merged.accepted = [a for r in results for a in r.accepted]
    merged.attempts = [a for r in results for a in r.attempts]
    return merged
