"""How the workbench starts fast: the garbage collector's rest and freeze around the start-up,
the history made when first used, and the width classes set before the first styling."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any


def width_classes(width: int, breakpoints: list[tuple[int, str]]) -> dict[str, bool]:
    """The breakpoint classes on or off at this width, as Textual's Screen sets them."""
    chosen = ""
    for threshold, name in sorted(breakpoints):
        if width >= threshold:
            chosen = name
    return {name: name == chosen for _, name in breakpoints}


class LazyHistory:
    """The History, made when first used: a start-up needs neither its module nor its folder."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._history: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._history is None:
            from smtptui.store.history import History

            self._history = History(self._directory)
        return getattr(self._history, name)


def rest_collector() -> None:
    """Before the start-up: what the imports made (modules, classes) lives on, out of every
    collection from now on; the collector rests until collect_after_start()."""
    gc.freeze()
    gc.disable()


def collect_after_start() -> None:
    """After the first screen: one collection of what the start-up left over (~3 ms), then
    what lives on is kept out of every later collection (a full one would scan it all again,
    ~30 ms, and freeze the screen that long), and the collector runs as usual."""
    gc.collect()
    gc.freeze()
    gc.enable()
