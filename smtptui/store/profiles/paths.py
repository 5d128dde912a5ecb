"""Where profiles live, the first-run copy of the packaged examples, and a profile's .eml path."""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from smtptui.store.files import atomic_write, ensure_private_dir
from smtptui.store.profiles.model import Profile
from smtptui.store.profiles.validate import ProfileError

#: The environment variable that points smtptui at another profile folder.
ENV_PROFILES = "SMTPTUI_PROFILES"
_EXAMPLE_SUFFIXES = (".toml", ".eml")


def default_profiles_dir() -> Path:
    """`$SMTPTUI_PROFILES`, else the user config folder's `profiles` (~/.config/smtptui/...).

    A blank `$SMTPTUI_PROFILES` counts as unset here; the commands refuse one of blanks
    only (smtptui.cli.profiles.profiles_dir) before asking this.
    """
    override = os.environ.get(ENV_PROFILES, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs  # only here, so that a run with --profiles DIR never imports it

    return Path(platformdirs.user_config_dir("smtptui", appauthor=False)) / "profiles"


def example_files() -> dict[str, bytes]:
    """The packaged example profiles and their .eml files: file name -> content."""
    folder = resources.files("smtptui") / "examples"
    return {entry.name: entry.read_bytes() for entry in sorted(folder.iterdir(),
                                                               key=lambda e: e.name)
            if entry.name.endswith(_EXAMPLE_SUFFIXES) and not entry.name.startswith(".")}


def seed_examples(directory: Path, warn: Callable[[str], None] | None = None) -> list[Path]:
    """On first run (``directory`` missing or holding no .toml file) copy the examples in.

    Never writes over an existing file. Returns the files written (none when not a first run).
    With ``warn``, a folder that cannot be made or written to is said there in one line and
    the examples are left out (a read-only folder is then simply empty); without, ProfileError.
    """
    try:
        return _seed(Path(directory))
    except ProfileError as exc:
        if warn is None:
            raise
        warn(f"the example profiles were not copied: {exc}")
        return []


def _seed(directory: Path) -> list[Path]:
    try:
        if directory.is_dir() and any(p.suffix == ".toml" and not p.name.startswith(".")
                                      for p in directory.iterdir()):
            return []
        ensure_private_dir(directory)
    except OSError as exc:
        raise ProfileError(directory, None, None,
                           f"cannot create the profile folder: {exc.strerror or exc}") from None
    written = []
    for name, data in example_files().items():
        target = directory / name
        if target.exists() or target.is_symlink():
            continue
        try:
            atomic_write(target, data, replace=False)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ProfileError(target, None, None,
                               f"cannot copy the example: {exc.strerror or exc}") from None
        written.append(target)
    return written


def resolve_eml(profile: Profile) -> Path | None:
    """The profile's .eml file as a path: a relative one is taken from the profile file's folder.

    None when the profile composes its message (no eml). The file is not opened here.
    """
    if not profile.eml:
        return None
    path = Path(profile.eml).expanduser()
    if path.is_absolute():
        return path
    base = profile.path.parent if profile.path is not None else Path.cwd()
    return base.absolute() / path
