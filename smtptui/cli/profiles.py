"""`smtptui profiles` and `smtptui profiles show NAME`: the saved profiles, listed and shown."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from smtptui.smtp.errors import InputError


def profiles_dir(given: str | None) -> Path:
    """The folder that --profiles names (``given``), else $SMTPTUI_PROFILES or the user
    config folder. An empty or blank --profiles, or a $SMTPTUI_PROFILES of blanks only, is
    refused (InputError), never quietly taken as the default folder."""
    from smtptui.store.profiles import ENV_PROFILES, default_profiles_dir

    if given is None:
        value = os.environ.get(ENV_PROFILES, "")
        if value and not value.strip():
            raise InputError(f"${ENV_PROFILES} is set to blanks; give a folder, or unset it")
        return default_profiles_dir()
    if not given.strip():
        raise InputError("--profiles: the folder name is empty; give a folder, or leave the "
                         "option out for the default one")
    return Path(given).expanduser()


def store_dir(args: argparse.Namespace, err: TextIO | None = None) -> Path:
    """--profiles DIR, else $SMTPTUI_PROFILES, else the user config folder; seeded when new.

    A folder the examples cannot be copied into is used as it is, with a warning on ``err``
    (standard error by default).
    """
    from smtptui.store.profiles import seed_examples

    directory = profiles_dir(getattr(args, "profiles", None))
    stream = err if err is not None else sys.stderr

    def warn(message: str) -> None:
        stream.write(f"smtptui: warning: {_shown(message)}\n")

    seed_examples(directory, warn=warn)
    return directory


def _shown(text: str) -> str:
    from smtptui.store.profiles.validate import shown

    return shown(text)


def run_profiles(args: argparse.Namespace, out: TextIO = sys.stdout,
                 err: TextIO = sys.stderr) -> int:
    """List the profiles (name, mode, target, and the file when not named after the profile),
    or show one file as it is (control and bidi characters made visible)."""
    from smtptui.store.profiles import BrokenProfile, ProfileStore

    try:
        store = ProfileStore(store_dir(args, err))
        if args.action == "show":
            if not args.name:
                raise InputError("profiles show: which profile? (smtptui profiles show NAME)")
            profile = store.get(args.name)
            assert profile.path is not None
            text = profile.path.read_text(encoding="utf-8", errors="replace")
            out.write("".join(_shown(line) + "\n" for line in text.splitlines()))
            return 0
        items = store.load_all()
    except (InputError, OSError) as exc:
        err.write(f"smtptui: error: {_shown(str(exc))}\n")
        return 1
    rows = []
    for item in items:
        if isinstance(item, BrokenProfile):  # named by its file: its own name is unreadable
            rows.append((_shown(item.path.name), "BROKEN", item.message))
        else:
            assert item.path is not None
            mode = "direct" if item.mode == "direct" else "smarthost"
            where = _shown(item.target)
            if item.path.stem != item.slug:
                where += f"  (file {_shown(item.path.name)})"
            rows.append((_shown(item.name), mode, where))
    width = max((len(name) for name, _, _ in rows), default=4)
    for name, mode, rest in rows:
        out.write(f"{name:<{width}}  {mode:<9}  {rest}\n")
    if not items:
        out.write(f"no profiles in {_shown(str(store.directory))}\n")
    return 0
