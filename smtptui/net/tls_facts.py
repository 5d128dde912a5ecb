"""What a TLS hand-shake established: one object, said as transcript lines or as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from smtptui.smtp.record import field, record
from smtptui.smtp.safety import visible


@record(frozen=True)
class TlsFacts:
    """The protocol, the cipher and the peer certificate as read (its texts already made
    visible: they are the server's, whoever signed them).

    ``verified``: the chain and the name were checked; ``unverified`` says why not when they
    were not. ``names_server`` (None: not checked) says whether an unverified certificate names
    ``server_name``. Dates are None when the certificate could not be read."""

    version: str = ""
    cipher: str = ""
    verified: bool = False
    subject: str = ""
    issuer: str = ""
    sans: tuple[str, ...] = field(default=())
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    days_left: int | None = None
    names_server: bool | None = None
    server_name: str = ""
    unverified: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The facts as --json writes them: only what was learnt (no certificate keys when
        none was read)."""
        facts: dict[str, Any] = {"version": self.version, "cipher": self.cipher,
                                 "verified": self.verified}
        if self.subject:
            facts |= {"subject": self.subject, "issuer": self.issuer, "sans": list(self.sans)}
        if self.not_before is not None and self.not_after is not None:
            facts |= {"not_before": self.not_before.isoformat(),
                      "not_after": self.not_after.isoformat(), "days_left": self.days_left}
        if self.names_server is not None:
            facts |= {"names_server": self.names_server, "server_name": self.server_name}
        if self.unverified:
            facts["unverified"] = self.unverified
        return facts

    def summary_lines(self) -> list[str]:
        """The facts as transcript lines (each made visible: they quote the certificate)."""
        return [visible(line) for line in self._summary_lines()]

    def _summary_lines(self) -> list[str]:
        lines = [f"TLS {self.version} {self.cipher}".rstrip()]
        if self.subject:
            lines.append(f"certificate subject: {self.subject}")
        if self.sans:
            lines.append("certificate names: " + ", ".join(self.sans))
        if self.issuer:
            lines.append(f"certificate issuer: {self.issuer}")
        if self.not_before is not None and self.not_after is not None:
            left = self.days_left if self.days_left is not None else 0
            lines.append(f"certificate valid {self.not_before.date()} to "
                         f"{self.not_after.date()}"
                         + (f" ({left} days left)" if left >= 0 else " (expired)"))
        if self.verified:
            lines.append("certificate verified")
            return lines
        lines.append(f"certificate NOT verified ({self.unverified or '--no-verify'})")
        if self.days_left is not None and self.days_left < 0:
            lines.append(f"certificate {expiry_words(self.days_left)}: verification would fail")
        elif self.not_before is not None and self.not_before > dt.datetime.now(dt.UTC):
            lines.append("certificate NOT VALID YET: verification would fail")
        if self.names_server is False:
            lines.append(f"certificate does NOT name {self.server_name}: verification "
                         "would fail (name mismatch)")
        return lines


def expiry_words(days_left: int) -> str:
    """Where a certificate stands against its end date: "200 days left", "EXPIRED today",
    "EXPIRED 3 days ago" (``days_left`` is floored: -1 means it expired today). The one
    wording for the transcript and the inspector."""
    if days_left >= 0:
        return f"{days_left} day{'' if days_left == 1 else 's'} left"
    ago = -days_left - 1
    return "EXPIRED today" if ago == 0 else f"EXPIRED {ago} day{'' if ago == 1 else 's'} ago"
