"""A profile as an `smtptui run` command line, and a transcript saved to a private file."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from smtptui.launch.checked_plan import profile_file
from smtptui.smtp.safety import visible
from smtptui.store.profiles import Profile, resolve_eml, slugify


def run_command_line(profile: Profile, profiles_dir: Path | None = None,
                     shown: bool = False) -> str:
    """The `smtptui run` command that does what this profile does (flags, no profile needed).

    A direct-mode profile (its route comes from DNS) is named instead, with its folder.
    ``shown``: the form for the screen, with a password command left out (it may hold the
    password itself).
    """
    if profile.mode != "smarthost":
        words = ["smtptui"]
        if profiles_dir is not None:
            words += ["--profiles", str(profiles_dir)]
        return shlex.join([*words, "run", profile.name])
    host = f"[{profile.host}]" if ":" in profile.host else profile.host
    words = ["smtptui", "run", "--server", f"{host}:{profile.port}", "--from", profile.sender]
    for recipient in profile.recipients:
        words += ["--to", recipient]
    eml = resolve_eml(profile)
    if eml is not None:
        words += ["--eml", str(eml)]
    else:
        if profile.subject:
            words += ["--subject", profile.subject]
        if profile.body:
            words += ["--body", profile.body]
    if profile.helo:
        words += ["--helo", profile.helo]
    if profile.dns:
        words += ["--dns", profile.dns]
    if profile.tls != "starttls":
        words += ["--tls", profile.tls]
    if not profile.verify:
        words.append("--no-verify")
    if profile.ca_file:
        words += ["--ca", profile.ca_file]
    for flag, name in (("--tls-cert", profile.tls_cert), ("--tls-key", profile.tls_key)):
        if name:
            words += [flag, profile_file(profile, name)]
    if profile.local_interface:
        words += ["--local-interface", profile.local_interface]
    if profile.auth_user:
        words += ["--auth-user", profile.auth_user]
        if profile.auth_mech:
            words += ["--auth-mech", profile.auth_mech]
        kind, _, value = profile.password_source.partition(":")
        if kind == "env":
            words += ["--password-env", value]
        elif kind == "command":
            words += ["--password-command", "[command not shown]" if shown else value]
    if profile.timeout:
        words += ["--timeout", f"{profile.timeout:g}"]
    if profile.quit_after:
        words += ["--quit-after", profile.quit_after]
    return shlex.join(words)


def save_transcript(lines: Iterable[str], directory: Path, name: str,
                    when: datetime | None = None) -> Path:
    """Write the lines to a new file ``smtptui-<name>-<time>.txt`` in ``directory``, mode 0600.

    Never writes over a file: a number is added to the name when it is taken. Each line is
    made visible (the one text-safety rule): a saved transcript is as safe to `cat` as the
    screen was to look at.
    """
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    stem = f"smtptui-{slugify(name) or 'session'}-{stamp}"
    data = "".join(f"{visible(line)}\n" for line in lines).encode("utf-8", "backslashreplace")
    for attempt in range(1000):
        path = directory / (f"{stem}.txt" if attempt == 0 else f"{stem}-{attempt}.txt")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return path
    raise FileExistsError(f"{directory}: no free file name for {stem}")
