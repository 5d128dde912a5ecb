"""Past runs of each profile: their transcripts kept as private files, the last N per profile."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from smtptui.engine.errors import SmtpTuiError
from smtptui.engine.record import record
from smtptui.engine.transcript import visible
from smtptui.profiles.files import atomic_write, ensure_private_dir, folder_lock
from smtptui.profiles.validate import slugify

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
    override = os.environ.get(ENV_HISTORY, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs  # only here: a run that keeps no history never imports it

    return Path(platformdirs.user_data_dir("smtptui", appauthor=False)) / "history"


def _entry(path: Path) -> HistoryEntry | None:
    match = _FILE.fullmatch(path.name)
    if match is None:
        return None
    when = datetime.strptime(match["stamp"], _STAMP).replace(
        microsecond=int(match["us"]), tzinfo=UTC)
    return HistoryEntry(when, match["outcome"], int(match["code"]), path)


class History:
    """Transcripts of past runs under ``directory/<profile-slug>/``, files mode 0600.

    ``keep`` is how many runs are kept per profile; older ones are removed on each record.
    """

    def __init__(self, directory: Path | None = None, keep: int = DEFAULT_KEEP) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self.directory = Path(directory) if directory is not None else default_history_dir()
        self.keep = keep

    def folder(self, profile_name: str) -> Path:
        """The folder holding one profile's transcripts."""
        slug = slugify(profile_name)
        if not slug:
            raise HistoryError(f"no history for a profile named {profile_name!r}")
        return self.directory / slug

    def record(self, profile_name: str, lines: Iterable[str], result_json: str,
               redact: Callable[[str], str] | None = None,
               when: datetime | None = None) -> Path:
        """Save one run's transcript lines and its result object; returns the new file.

        Every line goes through ``redact`` (when given) and has its control characters made
        visible. ``when`` defaults to now. Only the newest ``keep`` runs of the profile stay.
        """
        try:
            result = json.loads(result_json)
        except ValueError:
            result = {}
        if not isinstance(result, dict):
            result = {}
        outcome = re.sub(r"[^a-z]", "", str(result.get("outcome", "")).lower()) or "unknown"
        code = result.get("exit_code")
        exit_code = code if isinstance(code, int) and not isinstance(code, bool) else -1
        when = (when or datetime.now(UTC)).astimezone(UTC)
        body = [f"# smtptui transcript of profile {visible(profile_name)!r}, "
                f"{when.isoformat(timespec='microseconds').replace('+00:00', 'Z')}: "
                f"{outcome}, exit code {exit_code}"]
        for line in lines:
            text = line.rstrip("\r\n")
            if redact is not None:
                text = redact(text)
            body.append(visible(text))
        body.append(visible(result_json.strip()))
        data = ("\n".join(body) + "\n").encode("utf-8", "backslashreplace")
        folder = self.folder(profile_name)
        try:
            ensure_private_dir(folder)
            with folder_lock(folder):
                path = self._write_new(folder, when, exit_code, outcome, data)
                self._prune(folder)
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

    def _prune(self, folder: Path) -> None:
        for old in self._entries(folder)[self.keep:]:
            with contextlib.suppress(FileNotFoundError):
                old.path.unlink()

    def list(self, profile_name: str) -> list[HistoryEntry]:
        """The profile's past runs, newest first (none when it never ran)."""
        try:
            return self._entries(self.folder(profile_name))
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
