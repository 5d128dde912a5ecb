"""Past runs of each profile: their transcripts kept as private files, the last N per profile."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from smtptui.smtp.errors import SmtpTuiError
from smtptui.smtp.record import record
from smtptui.smtp.safety import visible, visible_json
from smtptui.store.files import (
    LOCK_NAME,
    atomic_write,
    clean_stale_temps,
    cut_slug,
    ensure_private_dir,
    folder_lock,
)

#: The environment variable that points smtptui at another history folder.
ENV_HISTORY = "SMTPTUI_HISTORY"
DEFAULT_KEEP = 50

_STAMP = "%Y%m%dT%H%M%S"
_FILE = re.compile(
    r"(?P<stamp>\d{8}T\d{6})\.(?P<us>\d{6})Z_(?P<code>-?\d+)_(?P<outcome>[a-z]+)\.log")


class HistoryError(SmtpTuiError):
    """A transcript could not be saved or read (the message names the file and why)."""


@record(frozen=True)
class HistoryEntry:
    """One past run of a profile: when (UTC), how it ended, and the file holding its transcript."""

    timestamp: datetime
    outcome: str
    exit_code: int
    path: Path


def default_history_dir() -> Path:
    """`$SMTPTUI_HISTORY`, else the user data folder's `history` (~/.local/share/smtptui/...)."""
    override = os.environ.get(ENV_HISTORY, "")
    if override.strip():
        return Path(override.strip()).expanduser()
    if override:  # set, but to blanks: a mistake, not a wish for the default folder
        raise HistoryError(f"${ENV_HISTORY} is set to blanks; give a folder, or unset it")
    import platformdirs  # only here: a run that keeps no history never imports it

    return Path(platformdirs.user_data_dir("smtptui", appauthor=False)) / "history"


def _entry(path: Path) -> HistoryEntry | None:
    match = _FILE.fullmatch(path.name)
    if match is None:
        return None
    when = datetime.strptime(match["stamp"], _STAMP).replace(
        microsecond=int(match["us"]), tzinfo=UTC)
    return HistoryEntry(when, match["outcome"], int(match["code"]), path)


def _header(profile_name: str) -> str:
    """How a transcript file of this profile begins (up to its time)."""
    return f"# smtptui transcript of profile {visible(profile_name)!r}, "


class History:
    """Transcripts of past runs under ``directory/<profile-slug>_<hash>/``, files mode 0600.

    The folder name ends in a hash of the exact profile name, so two names with one slug
    ("Relay", "relay!") never share a history. Runs kept by an older smtptui under
    ``directory/<profile-slug>/`` still count, as far as their first line names the profile.
    ``keep`` is how many runs are kept per profile; older ones are removed on each record.
    """

    def __init__(self, directory: Path | None = None, keep: int = DEFAULT_KEEP) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self.directory = Path(directory) if directory is not None else default_history_dir()
        self.keep = keep

    def folder(self, profile_name: str) -> Path:
        """The folder holding one profile's transcripts (its slug, "_", a hash of the name).

        The hash of the exact name makes the folder unique, long names included (two names
        sharing their first 80 characters differ in it); the slug part is the first 80
        characters, as it always was, so the runs kept so far stay found."""
        slug = cut_slug(profile_name)
        if not slug:
            raise HistoryError(f"no history for a profile named {profile_name!r}")
        digest = hashlib.sha256(profile_name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        return self.directory / f"{slug}_{digest}"

    def _legacy(self, profile_name: str) -> list[HistoryEntry]:
        """Runs kept in the older layout (a folder per slug, shared by names with one slug):
        only those whose first line names exactly this profile."""
        folder = self.directory / cut_slug(profile_name)
        header = _header(profile_name)
        out = []
        for entry in self._entries(folder):
            try:
                with entry.path.open(encoding="utf-8", errors="replace") as handle:
                    first = handle.readline(len(header))
            except OSError:
                continue
            if first == header:
                out.append(entry)
        return out

    def _all(self, profile_name: str) -> list[HistoryEntry]:
        found = self._entries(self.folder(profile_name)) + self._legacy(profile_name)
        found.sort(key=lambda e: (e.timestamp, e.path.name), reverse=True)
        return found

    def record(self, profile_name: str, lines: Iterable[str], result_json: str,
               redact: Callable[[str], str] | None = None,
               when: datetime | None = None) -> Path:
        """Save one run's transcript lines and its result object; returns the new file.

        Every line goes through ``redact`` (when given) and has its control characters made
        visible; the result object is written again by `visible_json` (valid JSON, nothing
        dangerous left raw). ``when`` defaults to now. Only the newest ``keep`` runs of the
        profile stay.
        """
        try:
            result = json.loads(result_json)
        except ValueError:
            result = None
        closing = visible(result_json.strip()) if result is None else visible_json(result)
        if not isinstance(result, dict):
            result = {}
        outcome = re.sub(r"[^a-z]", "", str(result.get("outcome", "")).lower()) or "unknown"
        words = outcome
        accepted, rejected = result.get("accepted"), result.get("rejected")
        if outcome == "delivered" and isinstance(accepted, list) and isinstance(rejected, list) \
                and rejected:
            outcome = "partial"  # the file name's word; the header says how many
            words = f"delivered to {len(accepted)} of {len(accepted) + len(rejected)}"
        code = result.get("exit_code")
        exit_code = code if isinstance(code, int) and not isinstance(code, bool) else -1
        when = (when or datetime.now(UTC)).astimezone(UTC)
        body = [f"{_header(profile_name)}"
                f"{when.isoformat(timespec='microseconds').replace('+00:00', 'Z')}: "
                f"{words}, exit code {exit_code}"]
        for line in lines:
            text = line.rstrip("\r\n")
            if redact is not None:
                text = redact(text)
            body.append(visible(text))
        body.append(closing)
        data = ("\n".join(body) + "\n").encode("utf-8", "backslashreplace")
        folder = self.folder(profile_name)
        try:
            ensure_private_dir(folder)
            with folder_lock(folder):
                clean_stale_temps(folder, ".log")
                path = self._write_new(folder, when, exit_code, outcome, data)
                self._prune(profile_name)
        except OSError as exc:
            raise HistoryError(f"{folder}: cannot save the transcript: "
                               f"{exc.strerror or exc}") from None
        return path

    @staticmethod
    def _write_new(folder: Path, when: datetime, exit_code: int, outcome: str,
                   data: bytes) -> Path:
        while True:  # two runs in one microsecond: the later one moves on a microsecond
            name = f"{when:{_STAMP}}.{when.microsecond:06d}Z_{exit_code}_{outcome}.log"
            path = folder / name
            if not path.exists():
                try:
                    atomic_write(path, data, replace=False)
                    return path
                except FileExistsError:
                    pass
            when += timedelta(microseconds=1)

    def _entries(self, folder: Path) -> list[HistoryEntry]:
        if not folder.is_dir():
            return []
        found = [e for e in map(_entry, folder.iterdir()) if e is not None]
        found.sort(key=lambda e: (e.timestamp, e.path.name), reverse=True)
        return found

    def _prune(self, profile_name: str) -> None:
        for old in self._all(profile_name)[self.keep:]:
            with contextlib.suppress(FileNotFoundError):
                old.path.unlink()

    def list(self, profile_name: str) -> list[HistoryEntry]:
        """The profile's past runs, newest first (none when it never ran)."""
        try:
            return self._all(profile_name)
        except OSError as exc:
            raise HistoryError(f"{self.folder(profile_name)}: cannot list the history: "
                               f"{exc.strerror or exc}") from None

    def read(self, entry: HistoryEntry) -> str:
        """The whole saved transcript of one run: a header line, the lines, the result object."""
        try:
            return entry.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise HistoryError(f"{entry.path}: cannot read the transcript: "
                               f"{exc.strerror or exc}") from None

    def rename(self, old_name: str, new_name: str) -> None:
        """Move profile ``old_name``'s past runs to ``new_name`` (after a rename of the profile).

        Runs already kept under ``new_name`` stay; only the newest ``keep`` remain. The old
        folder is removed once empty.
        """
        entries = self.list(old_name)
        if not entries or old_name == new_name:
            return
        target = self.folder(new_name)
        old_folder = self.folder(old_name)
        try:
            ensure_private_dir(target)
            with folder_lock(target):
                for entry in entries:
                    self._move(entry.path, target)
                self._prune(new_name)
            with contextlib.suppress(OSError):
                (old_folder / LOCK_NAME).unlink(missing_ok=True)
                old_folder.rmdir()  # only when empty
        except OSError as exc:
            raise HistoryError(f"{target}: cannot move the past runs of {old_name!r}: "
                               f"{exc.strerror or exc}") from None

    @staticmethod
    def _move(path: Path, folder: Path) -> None:
        """Move one transcript into ``folder``, never over a file already there."""
        new = folder / path.name
        try:
            os.link(path, new)
        except FileExistsError:
            return  # the same run kept twice: the one in place stays
        except OSError:
            if new.exists():
                return
            os.replace(path, new)
            return
        os.unlink(path)
