"""From a profile or flags to a running session: plan, password source, resolver, runner or walk.

The one path both front ends take. `smtptui run` and the app build a `Launch` (the CLI from
its flags or from a profile, the app from a profile, both through `from_profile`), call
`prepare()` (the blocking part: the message scan; the app runs it in a thread), then
`start()`, which makes the Runner (smart host) or Walk (direct mode) with the resolver, the
DNS time-out and the password source that the launch says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from smtptui.launch.checked_plan import check_ca_file, check_transport, plan_from_profile
from smtptui.launch.passwords import read_password_source
from smtptui.smtp.plan import SessionPlan
from smtptui.smtp.record import record

if TYPE_CHECKING:
    from smtptui.net.runner import Emit, Runner, SecretSource
    from smtptui.net.walk import Walk
    from smtptui.store.profiles import Profile

#: Asks the user for the password of a user name (the app's prompt); None when cancelled.
Prompt = Callable[[str], Awaitable[str | None]]
#: The longest wait for one DNS answer in direct mode; a shorter --timeout bounds it too.
DNS_TIMEOUT = 10.0


@record
class Launch:
    """Everything one run needs: the checked plan, direct mode with its resolver and pinned
    MX, and where the password comes from (read only when AUTH is reached)."""

    plan: SessionPlan
    direct: bool = False
    dns: str = ""  # the resolver (direct mode's look-ups, the reverse-DNS check)
    pin: str = ""  # direct mode: this one MX host only
    password_source: str = ""  # "env:VAR", "command:CMD", "prompt" or ""
    password_origin: str = ""  # where that came from, for errors ("--password-env")
    profile_name: str = ""

    @property
    def dns_timeout(self) -> float:
        """How long one DNS answer may take: --timeout bounds DNS too."""
        return min(self.plan.timeouts.connect, DNS_TIMEOUT)


def from_profile(profile: Profile) -> Launch:
    """A profile (with its one-run overrides applied) as a Launch; InputError if unusable."""
    return Launch(plan_from_profile(profile), direct=profile.mode == "direct", dns=profile.dns,
                  password_source=profile.password_source,
                  password_origin=f"profile {profile.name!r}: password_source",
                  profile_name=profile.name)


def prepare(launch: Launch) -> None:
    """The blocking checks before a session: the CA file (cheaply), the UNIX socket, the
    client certificate and TLS settings, and the message scan (sizes, 8-bit bytes, NUL) that
    MAIL FROM needs. InputError says what is wrong."""
    check_ca_file(launch.plan)
    check_transport(launch.plan)
    message = launch.plan.message
    if message is not None and launch.plan.needs_message:
        message.scan()


def start(launch: Launch, emit: Emit, *, stepping: bool = False, prompt: Prompt | None = None,
          blocking: bool = False) -> Runner | Walk:
    """The session, ready to `run()`: a Walk of the MX hosts in direct mode, else a Runner
    (on blocking sockets when ``blocking``: no event loop, as `smtptui run` uses)."""
    secrets = _secret_source(launch, prompt, blocking)
    if launch.direct:
        from smtptui.net.walk import Walk

        return Walk(launch.plan, emit, dns=launch.dns or None, pin=launch.pin,
                    stepping=stepping, secrets=secrets, dns_timeout=launch.dns_timeout)
    from smtptui.net.runner import Runner

    resolver = None
    if launch.dns:  # the reverse-DNS check asks only a resolver the user named
        from smtptui.net.resolver import make_resolver

        resolver = make_resolver(launch.dns, launch.dns_timeout)
    driver = None
    if blocking:
        from smtptui.net.blocking_transport import BlockingConnection

        driver = BlockingConnection
    return Runner(launch.plan, emit, stepping=stepping, secrets=secrets, resolver=resolver,
                  driver=driver)


def _secret_source(launch: Launch, prompt: Prompt | None, blocking: bool) -> SecretSource:
    """Where AUTH gets its password: the prompt (the app's screen, or the terminal), or an
    env:/command: source read when AUTH is reached (in a thread, under an event loop)."""
    source, origin = launch.password_source, launch.password_origin

    async def secret(user: str) -> str:
        from smtptui.smtp.errors import InputError

        if prompt is not None and source in ("", "prompt"):
            value = await prompt(user)
            if value is None:
                raise InputError("no password given (the prompt was cancelled)")
            return value
        if blocking:
            return read_password_source(source, user, origin)
        import asyncio

        return await asyncio.to_thread(read_password_source, source, user, origin)

    return secret
