"""``smtptui mx DOMAIN``: the route a direct-mode session will walk, and what is wrong with it."""

from __future__ import annotations

import random
import sys
from typing import Any, TextIO

from smtptui.net.resolver import RouteError, make_resolver
from smtptui.net.routes import ADDRESS_KINDS, Route, resolve_route
from smtptui.smtp.errors import InputError
from smtptui.smtp.safety import visible, visible_json

EXIT_OK, EXIT_INPUT, EXIT_DNS = 0, 1, 2
_COLUMNS = ("PREF", "HOST", "TTL", "ADDRESS", "ADDR TTL", "FLAGS")


def _headline(route: Route) -> str:
    where = f" (resolver {route.resolver})" if route.resolver else ""
    if route.domain.startswith("["):
        return f"{route.domain}: an address literal, no DNS look-up"
    if route.implicit:
        head = f"{route.domain}: no MX record; the implicit MX is the domain itself{where}"
    else:
        count = len(route.hosts)
        head = (f"{route.domain}: {count} MX host{'s' if count != 1 else ''}, "
                f"in the order a session walks them{where}")
    if route.canonical:
        head += f"\n{route.domain} is an alias of {route.canonical}"
    return head


def format_route(route: Route) -> str:
    """The route as a plain-text table, then one line per problem; every name made visible
    (a DNS answer is outside text)."""
    rows: list[tuple[str, ...]] = []
    for host in route.hosts:
        ttl = "-" if host.ttl is None else str(host.ttl)
        first = (str(host.preference), visible(host.name), ttl)
        flags = host.shown_flags
        if not host.addresses:
            rows.append((*first, "-", "-", flags))
        for index, address in enumerate(host.addresses):
            address_ttl = str(host.address_ttls.get(address, "-"))
            lead = first if index == 0 else ("", "", "")
            rows.append((*lead, visible(address), address_ttl, flags if index == 0 else ""))
    widths = [max(len(row[i]) for row in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]
    lines = [visible(line) for line in _headline(route).split("\n")]
    for row in [_COLUMNS, *rows]:
        cells = [cell.rjust(w) if i == 0 else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    notes = []
    if route.has_ties:
        notes.append("hosts of equal preference are shuffled at every look-up, so a session "
                     "may try them in another order")
    notes += route.notes
    notes += [f"{host.name}: {problem}" for host in route.hosts for problem in host.problems]
    notes += [f"{host.name}: {note}" for host in route.hosts for note in host.notes
              if note.partition(": ")[0] not in ADDRESS_KINDS]
    notes += route.address_notes()
    if notes:
        lines.append("")
        lines += [visible(note) for note in notes]
    return "\n".join(lines) + "\n"


def _json(domain: str, route: Route | None, error: Exception | None, kind: str = "") -> str:
    obj: dict[str, Any] = {"domain": domain, "resolver": "", "implicit": False,
                           "canonical": None, "hosts": [], "error": None}
    if route is not None:
        obj.update(route.to_dict())
    if error is not None:
        obj["resolver"] = obj["resolver"] or getattr(error, "resolver", "")
        obj["error"] = {"kind": kind, "message": str(error)}
    return visible_json(obj)


def run_mx(domain: str, dns: str | None, timeout: float, as_json: bool,
           out: TextIO | None = None, *, err: TextIO | None = None,
           shuffle: random.Random | None = None, progress: bool | None = None) -> int:
    """Print the route to ``domain``; 0 if some host has an address, 2 on DNS failure, 1 on bad
    input. Errors go to ``err`` as one line starting with "smtptui: ".

    While the look-ups run, ``progress`` (default: when ``err`` is a terminal) shows each
    host looked up on one line of ``err``, rewritten in place and cleared at the end.
    """
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    shown = err.isatty() if progress is None else progress

    def said(text: str) -> None:
        err.write(f"\r\x1b[K  {visible(text)[:100]}")
        err.flush()

    try:
        try:
            route = resolve_route(domain, make_resolver(dns, timeout), shuffle=shuffle,
                                  progress=said if shown else None)
        finally:
            if shown:
                err.write("\r\x1b[K")
    except InputError as exc:
        return _fail(out, err, as_json, domain, exc, "input", EXIT_INPUT)
    except RouteError as exc:
        return _fail(out, err, as_json, exc.domain or domain, exc, exc.kind, EXIT_DNS)
    problem = route.unusable()
    if as_json:
        out.write(_json(route.domain, route, problem, problem.kind if problem else "") + "\n")
    else:
        out.write(format_route(route))
    if problem is not None:
        err.write(f"smtptui: {problem}\n")
        return EXIT_DNS
    return EXIT_OK


def _fail(out: TextIO, err: TextIO, as_json: bool, domain: str, exc: Exception, kind: str,
          code: int) -> int:
    if as_json:
        out.write(_json(domain, None, exc, kind) + "\n")
    err.write(f"smtptui: {exc}\n")
    return code
