"""The grammar built for the words given (issue 17: the app's start builds no `run` options)
parses, refuses and helps exactly as the whole grammar does."""

from __future__ import annotations

import contextlib
import io

import pytest

from smtptui.cli.parser import make_parser

CASES = [["--help"], ["run", "--help"], ["mx", "--help"], ["profiles", "--help"], ["run"],
         ["mx"], ["bogus"], ["--profiles"], ["run", "-s", "x", "--bogus"], [], ["--demo"],
         ["--profiles", "run"], ["profiles", "show", "x"], ["mx", "example.com", "--json"],
         ["run", "--server", "h", "--from", "a@b.example", "--to", "d@e.example", "--debug"]]


def outcome(words: list[str], built_for: list[str] | None) -> tuple[str, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result = repr(sorted(vars(make_parser(built_for).parse_args(words)).items()))
        except SystemExit as exc:
            result = f"exit {exc.code}"
    return result, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("words", CASES, ids=" ".join)
def test_the_grammar_for_these_words_is_the_whole_grammar(words: list[str]) -> None:
    assert outcome(words, words) == outcome(words, None)


def test_the_app_start_builds_no_run_options() -> None:
    parser = make_parser(["--profiles", "x"])
    sub = next(a for a in parser._actions if a.dest == "command")
    assert len(sub.choices["run"]._actions) == 1  # its --help only
