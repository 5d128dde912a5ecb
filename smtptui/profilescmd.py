"""`smtptui profiles` and `smtptui profiles show NAME`: the saved profiles, listed and shown."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from smtptui.engine.errors import InputError


def store_dir(args: argparse.Namespace) -> Path:
    """--profiles DIR, else $SMTPTUI_PROFILES, else the user config folder; seeded when new."""
    from smtptui.profiles import default_profiles_dir, seed_examples

    given = getattr(args, "profiles", None)
    directory = Path(given).expanduser() if given else default_profiles_dir()
    try:
        seed_examples(directory)
    except OSError as exc:
        raise InputError(f"cannot create the profiles folder {directory}: {exc}") from None
    return directory


def run_profiles(args: argparse.Namespace, out: TextIO = sys.stdout,
                 err: TextIO = sys.stderr) -> int:
    """List the profiles (name, mode, target), or show one file as it is."""
    from smtptui.profiles import BrokenProfile, ProfileStore

    try:
        store = ProfileStore(store_dir(args))
        if args.action == "show":
            if not args.name:
                raise InputError("profiles show: which profile? (smtptui profiles show NAME)")
            profile = store.get(args.name)
            assert profile.path is not None
            out.write(profile.path.read_text(encoding="utf-8"))
            return 0
        items = store.load_all()
    except (InputError, OSError) as exc:
        err.write(f"smtptui: error: {exc}\n")
        return 1
    width = max((len(item.name) for item in items), default=4)
    for item in items:
        if isinstance(item, BrokenProfile):
            out.write(f"{item.name:<{width}}  BROKEN     {item.message}\n")
        else:
            mode = "direct" if item.mode == "direct" else "smarthost"
            out.write(f"{item.name:<{width}}  {mode:<9}  {item.target}\n")
    if not items:
        out.write(f"no profiles in {store.directory}\n")
    return 0
