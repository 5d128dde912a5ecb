"""Direct mode: resolve each recipient domain's route and walk its MX hosts until one takes it."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from smtptui.net.result import Result
from smtptui.net.routes import ADDRESS_KINDS
from smtptui.net.runner import Emit, Runner, SecretSource
from smtptui.smtp.client import SmtpClient
from smtptui.smtp.errors import SmtpTuiError
from smtptui.smtp.plan import SessionPlan
from smtptui.smtp.record import record, replace
from smtptui.smtp.transcript import Event, Rejected
from smtptui.smtp.vocabulary import EXIT_CONNECT, STAGES, Stage

if TYPE_CHECKING:
    from smtptui.knowledge.diagnosis import Diagnosis
    from smtptui.net.tls_facts import TlsFacts


def moves_on(result: Result) -> bool:
    """RFC 5321 §5.1: try the next address/host when this one could not start a session."""
    if result.outcome != "failed" or not result.stage:
        return False
    return STAGES[Stage(result.stage)].next_mx


class Walk:
    """One direct-mode run: a session per recipient domain, each walking its MX hosts."""

    def __init__(self, plan: SessionPlan, emit: Emit, *, dns: str | None = None,
                 pin: str = "", stepping: bool = False, secrets: SecretSource | None = None,
                 dns_timeout: float = 5.0) -> None:
        self._template = plan
        self._emit = emit
        self.dns = dns or None
        self.pin = pin
        self.stepping = stepping
        self.secrets = secrets
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
    def client(self) -> SmtpClient:
        """The client of the host being tried now (for status lines and the inspector)."""
        return (self.runner or self._idle).client

    @property
    def plan(self) -> SessionPlan:
        """The plan of the host being tried now."""
        return (self.runner or self._idle).plan

    @property
    def tls_facts(self) -> TlsFacts | None:
        """What the TLS hand-shake of the host being tried now established."""
        return (self.runner or self._idle).tls_facts

    def result(self) -> Result:
        """The combined Result once run() returned, else the current session's."""
        if self._result is not None:
            return self._result
        return (self.runner or self._idle).result()

    def _say(self, kind: str, stage: str, text: str) -> None:
        self._emit(Event(time.monotonic() - self._t0, kind, stage, text))

    async def run(self) -> Result:
        """Every domain in turn; the combined Result (see _combine for the exit code)."""
        from smtptui.smtp.domains import group_by_domain

        groups = group_by_domain(self._template.recipients)
        if len(groups) > 1:
            self._say("info", "dns", f"recipients in {len(groups)} domains: one route and one "
                      "session per domain (" + ", ".join(groups) + ")")
        done = [_Done(domain, recipients, await self._domain(domain, recipients))
                for domain, recipients in groups.items()]
        self._result = done[0].result if len(done) == 1 else _combine(done, self._now())
        return self._result

    def _now(self) -> float:
        return time.monotonic() - self._t0

    def _failed(self, domain: str, kind: str, error: str) -> Result:
        """The Result of a domain whose route failed: nothing was connected to."""
        code = 1 if kind == "input" else EXIT_CONNECT
        attempt = {"domain": domain, "host": "", "address": "", "preference": None,
                   "outcome": "failed", "stage": "dns", "error": error, "exit_code": code}
        return Result(exit_code=code, outcome="failed", stage="dns", error=error, host=domain,
                      port=self._template.port, diagnosis=_dns_diagnosis(kind, error),
                      attempts=[attempt], t=self._now())

    async def _domain(self, domain: str, recipients: list[str]) -> Result:
        from smtptui.net.resolver import make_resolver
        from smtptui.net.routes import resolve_route, route_bound

        loop = asyncio.get_running_loop()

        def progress(text: str) -> None:  # from the look-up's thread: said on the loop's
            loop.call_soon_threadsafe(self._say, "info", "dns", text)

        try:
            resolver = make_resolver(self.dns, self.dns_timeout)
            self._say("info", "dns", f"looking up the route to {domain} (at most "
                      f"{route_bound(resolver):g} s)")
            route = await asyncio.to_thread(resolve_route, domain, resolver, progress=progress)
            if self.pin:
                route = route.pinned(self.pin)
        except SmtpTuiError as exc:
            self._say("error", "dns", str(exc))
            return self._failed(domain, getattr(exc, "kind", "input"), str(exc))
        self._show_route(route)
        problem = route.unusable()
        if problem is not None:
            self._say("error", "dns", str(problem))
            return self._failed(domain, problem.kind, str(problem))
        tried: list[dict[str, Any]] = []
        result = Result()
        attempts = route.attempts()
        for number, (host, address) in enumerate(attempts, 1):
            # Numbered among the hosts the route shows, those without an address included.
            self.position = f"MX {route.hosts.index(host) + 1} of {len(route.hosts)}"
            plan = self._template.copy(host=host.name, address=address, recipients=list(recipients),
                                  tls_name=host.name, label=f"{self.position}: {host.name}")
            self.runner = Runner(plan, self._emit, stepping=self.stepping, secrets=self.secrets,
                                 resolver=resolver, t0=self._t0)
            for verb, text in self._early:
                self.runner.control(verb, text)
            self._early = []
            result = await self.runner.run()
            tried.append({"domain": domain, "host": host.name, "address": address,
                          "preference": host.preference, "outcome": result.outcome,
                          "stage": result.stage, "error": result.error,
                          "exit_code": result.exit_code})
            if not moves_on(result):
                break
            if number < len(attempts):
                self._say("info", "connect", f"leaving {host.name} [{address}]: {result.error}; "
                          "trying the next address or host")
        else:
            count = f"{len(tried)} attempt{'s' if len(tried) != 1 else ''}"
            self._say("error", "connect", f"no MX host of {domain} took the session ({count})")
        result.attempts = tried
        return result

    def _show_route(self, route: Any) -> None:
        kind = "implicit MX (no MX records: the domain's own address)" if route.implicit else "MX"
        self._say("info", "dns", f"route to {route.domain} ({kind}), from resolver "
                  f"{route.resolver or 'none'}:")
        for host in route.hosts:
            flags = f"  [{host.shown_flags}]" if host.flags else ""
            addresses = ", ".join(host.addresses) or "no address"
            self._say("info", "dns", f"  {host.preference:>5}  {host.name}  {addresses}{flags}")
        for note in route.notes + route.address_notes():
            self._say("info", "dns", note)
        for position, host in enumerate(route.hosts, 1):
            # Why a host is left out, or what is worth knowing about its addresses.
            said = [p for p in host.problems if p.split(":", 1)[0] in _SAID] + [
                note for note in host.notes if note.partition(": ")[0] not in ADDRESS_KINDS]
            if not host.addresses:
                said = [p for p in host.problems if p.split(":", 1)[0] != "no address"
                        ] + [p for p in host.problems if p.split(":", 1)[0] == "no address"]
                self._say("info", "dns", f"skipping MX {position} of {len(route.hosts)}, "
                          f"{host.name}: " + "; ".join(dict.fromkeys(said)))
            elif said:
                self._say("info", "dns", f"MX {position} of {len(route.hosts)}, {host.name}: "
                          + "; ".join(dict.fromkeys(said)))


#: The problems of a host that still has addresses which the walk says in words.
_SAID = ("unusable address", "lookup failed")


@record
class _Done:
    """One recipient domain's session (or failed route): its recipients and its Result."""

    domain: str
    recipients: list[str]
    result: Result


def _dns_diagnosis(kind: str, detail: str) -> Diagnosis | None:
    """The diagnosis of a route that failed in DNS (none for bad input: nothing was looked up)."""
    from smtptui.knowledge.diagnosis import Facts, diagnose

    if kind == "input":
        return None
    return diagnose(Facts(stage="dns", kind=kind, detail=detail))


def _fate(done: _Done) -> tuple[list[str], list[Rejected], list[tuple[str, str]]]:
    """Who got the message in this domain, who did not (with the reply or the failure), and
    why not in a few words, per recipient."""
    result = done.result
    rejected = list(result.rejected)
    why = [(r.address, f"RCPT refused: {r.code} {r.text.splitlines()[0] if r.text else ''}"
            .rstrip()) for r in rejected]
    if result.outcome != "failed":
        return list(result.accepted), rejected, why
    # The session failed: nobody in this domain got the message, whatever RCPT said.
    refused = {r.address for r in rejected}
    reply = result.reply
    code = reply.code if reply is not None and reply.code >= 400 else 0  # 0: no reply said so
    failure = f"{done.domain}, stage {result.stage}: {result.error}"
    for address in done.recipients:
        if address not in refused:
            rejected.append(Rejected(address, code, failure))
            why.append((address, failure))
    return [], rejected, why


def _combine(done: list[_Done], now: float) -> Result:
    """One Result for several domains, accounting for every recipient.

    ``accepted`` lists the recipients whose domain took the message; ``rejected`` every other
    one, with its RCPT reply or with the failure that ended its domain's session (code 0 when
    no reply said so). The exit code is 0 when every domain's session succeeded, else that of
    the first domain (in the order the recipients name them) whose session failed; the stage,
    host, timings and diagnosis are that session's too, and ``error`` says what was delivered
    and what was not.
    """
    fates = [_fate(item) for item in done]
    accepted = [address for got, _, _ in fates for address in got]
    rejected = [refusal for _, refused, _ in fates for refusal in refused]
    failed = [item.result for item in done if item.result.exit_code != 0]
    base = failed[0] if failed else done[-1].result
    error = base.error
    if failed:
        total = sum(len(item.recipients) for item in done)
        error = _delivery_line(accepted, [w for _, _, why in fates for w in why], total)
    return replace(base, accepted=accepted, rejected=rejected, error=error,
                   attempts=[a for item in done for a in item.result.attempts],
                   t=max([now, *(item.result.t for item in done)]))


def _delivery_line(accepted: list[str], why: list[tuple[str, str]], total: int) -> str:
    """What was delivered and what was not, in one line."""
    if accepted:
        head = f"delivered to {len(accepted)} of {total} recipients ({', '.join(accepted)})"
    else:
        head = f"delivered to none of the {total} recipients"
    reasons: dict[str, list[str]] = {}
    for address, reason in why:
        reasons.setdefault(reason, []).append(address)
    missed = "; ".join(f"{', '.join(addresses)} ({reason})" for reason, addresses in
                       reasons.items())
    return f"{head}; not delivered to {missed}"
