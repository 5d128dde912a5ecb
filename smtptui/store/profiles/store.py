"""ProfileStore: a folder of `<slug>.toml` files: load all, get, save, rename, copy, delete."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from smtptui.smtp import record
from smtptui.store.files import (
    atomic_write,
    clean_stale_temps,
    ensure_private_dir,
    folder_lock,
)
from smtptui.store.profiles.document import parse_profile, render
from smtptui.store.profiles.model import FIELDS, Profile
from smtptui.store.profiles.validate import (
    ProfileError,
    ProfileNotFound,
    check_field,
    shown,
    slugify,
)


class BrokenProfile(NamedTuple):
    """A profile file that could not be used; shown as broken, never overwritten or deleted."""

    path: Path
    error: ProfileError

    @property
    def name(self) -> str:
        """The file name stem, as the name to show (the file's own name field may be unreadable),
        with control and bidi characters made visible: a file name is not to drive a terminal."""
        return shown(self.path.stem)

    @property
    def message(self) -> str:
        """The one-line error: path, line, field and what is wrong (made safe to print)."""
        return shown(str(self.error))


#: The largest profile file read, in bytes. A profile is a few hundred bytes; a body or
#: notes of some pages stay far below this. A bigger file is broken at once, unread (a
#: 2 GB file would otherwise cost its size in memory and many seconds, on every listing).
MAX_PROFILE_BYTES = 1024 * 1024


def load_file(path: Path) -> Profile:
    """Load one profile file; ProfileError (with its path, line and field) if it is unusable.

    A file over MAX_PROFILE_BYTES is refused from its size alone, without reading it.
    """
    try:
        if not path.is_file():
            raise ProfileError(path, None, None, "not a regular file")
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_PROFILE_BYTES:
                raise ProfileError(path, None, None, _too_big(size))
            raw = handle.read(MAX_PROFILE_BYTES + 1)  # it may have grown since
        if len(raw) > MAX_PROFILE_BYTES:
            raise ProfileError(path, None, None, _too_big(len(raw)))
    except OSError as exc:
        raise ProfileError(path, None, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ProfileError(path, line, None, "not valid UTF-8") from None
    try:
        return parse_profile(text.removeprefix("\ufeff"), path)
    except ProfileError:
        raise
    except Exception as exc:  # one odd file (say, a parser's bug) must never stop a listing
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ProfileError(path, None, None, f"cannot be read: {reason}") from None


def _too_big(size: int) -> str:
    return (f"too big for a profile ({size:,} bytes; at most {MAX_PROFILE_BYTES:,}): not "
            "read; is it the right file?")


class ProfileStore:
    """The profiles in one folder, one ``<slug>.toml`` file each.

    Every change is atomic (temporary file, fsync, rename), mode 0600, under the folder's lock,
    and merged into the file as it is on disk at that moment, so comments, unknown keys and
    hand edits made meanwhile survive. A broken file is never written over or deleted.
    """

    def __init__(self, directory: Path, history_dir: Path | None = None) -> None:
        self.directory = Path(directory)
        #: The history folder whose transcripts follow a rename (None: the default one).
        self.history_dir = history_dir

    def _files(self) -> list[Path]:
        try:
            if self.directory.exists() and not self.directory.is_dir():
                raise ProfileError(self.directory, None, None, "is not a folder")
            entries = sorted(self.directory.iterdir()) if self.directory.exists() else []
        except OSError as exc:
            raise ProfileError(self.directory, None, None,
                               f"cannot list profiles: {exc.strerror or exc}") from None
        return [p for p in entries if p.suffix == ".toml" and not p.name.startswith(".")]

    def load_all(self) -> list[Profile | BrokenProfile]:
        """Every profile in the folder, by name; a file that cannot be used is a BrokenProfile.

        Temporary files that a killed save left behind (ours, some minutes old) are removed.
        """
        clean_stale_temps(self.directory, ".toml")
        out: list[Profile | BrokenProfile] = []
        loaded: list[Profile] = []
        for path in self._files():
            try:
                loaded.append(load_file(path))
            except ProfileError as exc:
                out.append(BrokenProfile(path, exc))
        # Two files with one name: the file named after it (<slug>.toml) keeps it, else the
        # first by file name; the others are shown as broken until renamed by hand.
        loaded.sort(key=lambda p: (p.path is None or p.path.stem != p.slug,
                                   p.path.name if p.path is not None else ""))
        seen: dict[str, Path] = {}
        for profile in loaded:
            assert profile.path is not None
            key = profile.name.casefold()
            if key in seen:
                err = ProfileError(profile.path, None, "name",
                                   f"{profile.name!r} is already the name of {seen[key].name}")
                out.append(BrokenProfile(profile.path, err))
                continue
            seen[key] = profile.path
            out.append(profile)
        out.sort(key=lambda p: (p.name.casefold(), p.name))
        return out

    def _find(self, name: str) -> Profile:
        """The profile called ``name`` (exactly, then ignoring case, then by file name)."""
        items = self.load_all()
        wanted = name.strip()
        # A usable profile first: a broken file named like it (its name is its file name)
        # must not hide it.
        items.sort(key=lambda item: isinstance(item, BrokenProfile))
        for test in (lambda p: p.name == wanted,
                     lambda p: p.name.casefold() == wanted.casefold(),
                     lambda p: p.path.stem == slugify(wanted)):
            for item in items:
                if test(item):
                    if isinstance(item, BrokenProfile):
                        raise item.error
                    return item
        raise ProfileNotFound(self.directory, None, None, f"no profile named {name!r}")

    def get(self, name: str) -> Profile:
        """The profile called ``name``; ProfileNotFound, or the file's error if it is broken."""
        return self._find(name)

    def names(self) -> list[str]:
        """The names of the usable profiles, sorted."""
        return [p.name for p in self.load_all() if isinstance(p, Profile)]

    @staticmethod
    def _current(path: Path) -> Profile | None:
        """The profile in ``path`` now, None if there is no file; refuses a broken file."""
        if not path.exists():
            return None
        try:
            return load_file(path)
        except ProfileError as exc:
            why = ProfileError(None, exc.line, exc.field, exc.message)
            raise ProfileError(path, None, None,
                               f"will not write over a broken profile file; fix or remove it by "
                               f"hand first ({why})") from None

    def _check_name_free(self, name: str, keep: Path | None) -> None:
        for item in self.load_all():
            if (isinstance(item, Profile) and item.name.casefold() == name.casefold()
                    and item.path != keep):
                raise ProfileError(item.path, None, "name",
                                   f"a profile named {item.name!r} already exists")

    def _write(self, profile: Profile, target: Path, base: Profile | None,
               replace: bool) -> Profile:
        text = render(profile, base.document if base else profile.document).as_string()
        data = text.encode("utf-8")
        try:
            atomic_write(target, data, replace=replace)
        except FileExistsError:
            raise ProfileError(target, None, None, "a file of that name appeared meanwhile; "
                               "nothing was written") from None
        except OSError as exc:
            raise ProfileError(target, None, None,
                               f"cannot save: {exc.strerror or exc}; the old file is unchanged"
                               ) from None
        return record.replace(profile, recipients=list(profile.recipients), path=target,
                                   document=text)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Create the folder (0700) if need be and hold its lock; ProfileError if impossible."""
        try:
            ensure_private_dir(self.directory)
        except OSError as exc:
            raise ProfileError(self.directory, None, None,
                               f"cannot create the profile folder: {exc.strerror or exc}") from None
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(folder_lock(self.directory))
            except OSError as exc:
                raise ProfileError(self.directory, None, None,
                                   f"cannot write in the profile folder: {exc.strerror or exc}"
                                   ) from None
            yield

    def _slug_path(self, name: str) -> Path:
        return self.directory / f"{slugify(name)}.toml"

    def _owns(self, path: Path | None) -> bool:
        return path is not None and path.parent.resolve() == self.directory.resolve()

    def save(self, profile: Profile) -> Profile:
        """Write ``profile`` to its file (``<slug>.toml`` when new); returns it as saved.

        Only the fields changed since the profile was read (its ``document``) are written,
        into the file as it is now: comments, unknown keys and hand edits made meanwhile are
        kept. A field changed both here and in the file is refused (ProfileError naming it).
        A file that is a symbolic link is written through to the link's target. ProfileError,
        and the old file intact, if the file is broken, the name is taken, or the write fails.
        """
        profile = profile.copy()
        profile.check()
        with self._locked():
            clean_stale_temps(self.directory, ".toml")
            own = profile.path if self._owns(profile.path) else None
            target = own or self._slug_path(profile.name)
            current = self._current(target)
            if own is not None and current is not None:
                profile = _merge(profile, current)
            if (current is not None and own is None
                    and current.name.casefold() != profile.name.casefold()):
                raise ProfileError(target, None, "name", f"this file already holds the profile "
                                   f"{current.name!r}; choose another name")
            self._check_name_free(profile.name, keep=target if current is not None else None)
            return self._write(profile, target, current, replace=current is not None)

    def rename(self, old: str, new: str) -> Profile:
        """Give profile ``old`` the name ``new`` (and the file ``<new-slug>.toml``).

        The new file is written in full before the old one is removed.
        """
        new = check_field("name", new)
        with self._locked():
            current = self._find(old)
            assert current.path is not None
            target = self._slug_path(new)
            self._check_name_free(new, keep=current.path)
            renamed = record.replace(current, name=new, recipients=list(current.recipients))
            if target == current.path:  # one file name for both (say, "Relay" to "relay")
                saved = self._write(renamed, target, current, replace=True)
                self._move_history(current.name, new)
                return saved
            if target.exists() or target.is_symlink():
                raise ProfileError(target, None, "name", "a file of that name already exists")
            if current.path.is_symlink():
                saved = self._rename_link(renamed, current, target)
            else:
                saved = self._write(renamed, target, current, replace=False)
            try:
                os.unlink(current.path)
            except OSError as exc:
                raise ProfileError(current.path, None, None,
                                   f"saved as {target.name}, but the old file could not be "
                                   f"removed: {exc.strerror or exc}") from None
            self._move_history(current.name, new)
            return saved

    def _rename_link(self, renamed: Profile, current: Profile, target: Path) -> Profile:
        """A profile file that is a symbolic link: the new name written through to the link's
        target, then a new link of the new file name to the same place."""
        assert current.path is not None
        saved = self._write(renamed, current.path, current, replace=True)
        try:
            os.symlink(os.readlink(current.path), target)
        except OSError as exc:
            raise ProfileError(target, None, None, f"renamed inside {current.path.name}, but "
                               f"the link could not be renamed: {exc.strerror or exc}") from None
        return record.replace(saved, recipients=list(saved.recipients), path=target)

    def _move_history(self, old: str, new: str) -> None:
        """The renamed profile's past runs go with it (ProfileError if they cannot)."""
        from smtptui.store.history import History, HistoryError

        try:
            History(self.history_dir).rename(old, new)
        except (HistoryError, OSError) as exc:
            raise ProfileError(None, None, None, f"renamed to {new!r}, but its past runs stay "
                               f"under the old name: {exc}") from None

    def duplicate(self, name: str, new_name: str) -> Profile:
        """Copy profile ``name`` (comments and all) to a new profile called ``new_name``."""
        new_name = check_field("name", new_name)
        with self._locked():
            source = self._find(name)
            self._check_name_free(new_name, keep=None)
            target = self._slug_path(new_name)
            if target.exists():
                raise ProfileError(target, None, "name", "a file of that name already exists")
            clone = record.replace(source, name=new_name, path=None,
                                        recipients=list(source.recipients))
            return self._write(clone, target, source, replace=False)

    def delete(self, name: str) -> Path:
        """Remove profile ``name``'s file (a broken file is refused: fix or remove it by hand)."""
        with self._locked():
            profile = self._find(name)
            assert profile.path is not None
            try:
                os.unlink(profile.path)
            except OSError as exc:
                raise ProfileError(profile.path, None, None,
                                   f"cannot delete: {exc.strerror or exc}") from None
            return profile.path


def _merge(profile: Profile, current: Profile) -> Profile:
    """``current`` (the file as it is now) with the fields ``profile`` changed since it was
    read from its ``document``; a field changed in both ways is refused (ProfileError)."""
    if profile.document is None:
        return profile  # not read from a file: every field is meant as given
    base_text = profile.document if isinstance(profile.document, str) else (
        profile.document.as_string())
    try:
        base = parse_profile(base_text, current.path or Path("-"))
    except ProfileError:
        return profile
    changes = {}
    for name in FIELDS:
        mine, was, now = getattr(profile, name), getattr(base, name), getattr(current, name)
        if mine in (was, now):
            continue
        if now != was:
            raise ProfileError(current.path, None, name,
                               "was changed in the file too since this profile was opened; "
                               "nothing was saved, the file keeps its own value: reopen the "
                               "profile and make the change again")
        changes[name] = mine
    recipients = changes.pop("recipients", current.recipients)
    return record.replace(current, recipients=list(recipients), **changes)
