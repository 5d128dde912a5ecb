"""A profile's TOML text: parse and check it (with line numbers), and write fields back into it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smtptui.store.profiles.model import FIELDS, Profile
from smtptui.store.profiles.validate import (
    CHECKS,
    FieldError,
    ProfileError,
    key_line,
    nesting_depth,
    secret_keys,
)

HEADER = "smtptui profile: every field is described in docs/profiles.md"
_DEFAULTS = Profile(name="-").to_fields()
_AT_LINE = re.compile(r"\s+at line (\d+) col (\d+)\s*$")
#: The deepest nesting of tables and arrays a profile file may have (a flat file is 1).
MAX_DEPTH = 32

if TYPE_CHECKING:
    from tomlkit.toml_document import TOMLDocument


def parse_profile(text: str, path: Path) -> Profile:
    """Read one profile file's text: ProfileError (with path, line and field) if it is unusable.

    A missing ``name`` is taken from the file name; unknown keys are allowed and kept.
    The file is read with the standard library's parser; the profile keeps the text as its
    ``document``, which a save parses again with tomlkit to keep comments and unknown keys.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(text, path, exc) from None
    except RecursionError:
        raise ProfileError(path, None, None, f"arrays or tables nested too deeply (more than "
                           f"{MAX_DEPTH} levels)") from None
    if nesting_depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise ProfileError(path, None, None, f"arrays or tables nested too deeply (more than "
                           f"{MAX_DEPTH} levels)")
    for dotted in secret_keys(data):
        raise ProfileError(
            path, key_line(text, dotted), dotted,
            "a profile must never hold a password or other secret; remove it and set "
            'password_source = "prompt", "env:VARIABLE" or "command:COMMAND"')
    values: dict[str, Any] = {}
    for name in FIELDS:
        if name not in data:
            continue
        try:
            values[name] = CHECKS[name](data[name])
        except FieldError as exc:
            raise ProfileError(path, key_line(text, name), name, str(exc)) from None
    if "name" not in values:
        values["name"] = _name_from_file(path)
    return Profile(**values, path=path, document=text)


def _name_from_file(path: Path) -> str:
    """A file without ``name`` is named after its file, on the terms of the ``name`` field:
    a file name that could not be a name (a control character, a bidi override, bytes that
    are not UTF-8, over 100 characters...) makes the file broken, never a name shown raw."""
    try:
        return str(CHECKS["name"](path.stem))
    except FieldError as exc:
        raise ProfileError(path, None, "name", f"no name in the file, and its file name cannot "
                           f"be one: it {exc}; add a line name = \"...\"") from None


def _syntax_error(text: str, path: Path, error: tomllib.TOMLDecodeError) -> ProfileError:
    """The error to report for a file that is not TOML: tomlkit's words (line and column)."""
    import tomlkit
    from tomlkit.exceptions import ParseError, TOMLKitError

    try:
        tomlkit.parse(text)
    except RecursionError:
        return ProfileError(path, None, None, f"not valid TOML: {error}")
    except ParseError as exc:
        message = _AT_LINE.sub("", str(exc))
        return ProfileError(path, exc.line, None,
                            f"not valid TOML: {message} (column {exc.col})")
    except TOMLKitError as exc:
        return ProfileError(path, None, None, f"not valid TOML: {exc}")
    return ProfileError(path, None, None, f"not valid TOML: {error}")


def render(profile: Profile, base: TOMLDocument | str | None) -> TOMLDocument:
    """``base`` (a copy of it, or the text of a file) with ``profile``'s fields written in;
    everything else is kept.

    A field whose value did not change keeps its exact text and comment; a new field is added
    only when it differs from the default; a field set to None (eml, timeout) is removed.
    """
    import tomlkit  # only to write: reading needs no comments
    from tomlkit.exceptions import TOMLKitError

    if base is None:
        doc = tomlkit.document()
        doc.add(tomlkit.comment(HEADER))
    else:
        try:
            doc = tomlkit.parse(base if isinstance(base, str) else base.as_string())
        except TOMLKitError as exc:  # valid TOML that tomlkit cannot keep as it is
            raise ProfileError(profile.path, None, None, "cannot rewrite this file and keep its "
                               f"comments: {exc}; edit it by hand") from None
    for name in FIELDS:
        value = getattr(profile, name)
        if name in doc:
            try:
                unchanged = CHECKS[name](doc[name].unwrap()) == value
            except (FieldError, AttributeError):
                unchanged = False
            if unchanged:
                continue
            if value is None:
                del doc[name]
            else:
                doc[name] = _item(value)
        elif value is not None and (name == "name" or value != _DEFAULTS[name]):
            doc[name] = _item(value)
    return doc


def _item(value: Any) -> Any:
    """A tomlkit item for a field value (multi-line strings as triple-quoted blocks)."""
    import tomlkit

    if isinstance(value, str) and "\n" in value:
        return tomlkit.string(value, multiline=True)
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(value)
        return array
    return tomlkit.item(value)


def to_toml(profile: Profile) -> str:
    """The text a save would write for ``profile`` (its own comments and unknown keys kept)."""
    return render(profile, profile.document).as_string()
