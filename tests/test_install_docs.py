"""The README's two set-up commands, CI and tests/install.sh agree, and the set-up never
installs an MTA: static checks of the text (the commands themselves were run by hand on a
fresh Debian 12 root, see docs/install.md)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    section = (REPO / "README.md").read_text().split("## Two commands", 1)[1].split("\n## ")[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.S)


def test_readme_has_two_one_line_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands), commands
    app, tests = commands
    assert app.endswith("&& .venv/bin/smtptui --demo")
    assert tests == "bash tests/install.sh && .venv/bin/python -m pytest -n 2"


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci
    assert 'if [ "$rc" -eq 5 ]; then' in ci  # "no tests collected" is a failure


def test_install_sh_parses_and_never_installs_an_mta() -> None:
    script = (REPO / "tests" / "install.sh").read_text()
    subprocess.run(["bash", "-n", str(REPO / "tests" / "install.sh")], check=True)
    assert "dpkg -i" not in script and "apt install" not in script
    for text in (script, readme_commands()[0]):
        for line in text.splitlines():
            code = line.split("#", 1)[0]
            if re.search(r"apt-get( -y)? install", code) and "-s install" not in code:
                assert "--no-remove" in line, line
    installs = re.findall(r"apt_install (.+)", script)
    assert not any(re.search(r"\b(postfix|exim4\S*|sendmail\S*)\b", i) for i in installs)


def test_gitignore_covers_what_the_commands_create() -> None:
    ignored = (REPO / ".gitignore").read_text().splitlines()
    assert ".venv/" in ignored and "tests/.postfix-root/" in ignored
