"""A profile's TOML text: parse and check it (with line numbers), and write fields back into it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError, TOMLKitError
from tomlkit.toml_document import TOMLDocument

from smtptui.profiles.model import FIELDS, Profile
from smtptui.profiles.validate import CHECKS, FieldError, ProfileError, key_line, secret_keys

HEADER = "smtptui profile: every field is described in docs/profiles.md"
_DEFAULTS = Profile(name="-").to_fields()
_AT_LINE = re.compile(r"\s+at line (\d+) col (\d+)\s*$")


def parse_profile(text: str, path: Path) -> Profile:
    """Read one profile file's text: ProfileError (with path, line and field) if it is unusable.

    A missing ``name`` is taken from the file name; unknown keys are allowed and kept.
    """
    try:
        doc = tomlkit.parse(text)
    except ParseError as exc:
        message = _AT_LINE.sub("", str(exc))
        raise ProfileError(path, exc.line, None,
                           f"not valid TOML: {message} (column {exc.col})") from None
    except TOMLKitError as exc:
        raise ProfileError(path, None, None, f"not valid TOML: {exc}") from None
    data = doc.unwrap()
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
    values.setdefault("name", path.stem)
    return Profile(**values, path=path, document=doc)


def render(profile: Profile, base: TOMLDocument | None) -> TOMLDocument:
    """``base`` (a copy of it) with ``profile``'s fields written in; everything else is kept.

    A field whose value did not change keeps its exact text and comment; a new field is added
    only when it differs from the default; a field set to None (eml, timeout) is removed.
    """
    if base is None:
        doc = tomlkit.document()
        doc.add(tomlkit.comment(HEADER))
    else:
        doc = tomlkit.parse(base.as_string())
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
