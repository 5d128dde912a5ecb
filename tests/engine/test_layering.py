"""The layers below the app never import it: checked in a fresh interpreter."""

import pkgutil
import subprocess
import sys

import smtptui

#: Every package below the front ends, and the headless front end itself.
HEADLESS = ("smtp", "net", "knowledge", "store", "launch", "cli")


def test_nothing_below_the_app_imports_textual() -> None:
    modules = [info.name for info in pkgutil.walk_packages(smtptui.__path__, "smtptui.")
               if info.name.split(".")[1] in HEADLESS]
    assert len(modules) >= 40
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich') "
              "or m.startswith('smtptui.tui')]\nprint(bad)\nsys.exit(1 if bad else 0)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_headless_run_imports_neither_textual_nor_dns() -> None:
    code = ("import sys, smtptui.main, smtptui.cli.run, smtptui.net.runner\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'dns')]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_smart_host_run_needs_no_asyncio_textual_or_dns() -> None:
    code = ("import sys\nfrom smtptui.main import main\n"
            "code = main(['run', '--server', '127.0.0.1:1', '--from', 'a@example.com', "
            "'--to', 'b@example.net', '--json'])\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('asyncio', 'textual', 'dns')]\n"
            "print(code, bad); sys.exit(0 if code == 2 and not bad else 1)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-500:] + proc.stderr


def test_a_plaintext_delivery_loads_neither_ssl_nor_dataclasses(sink) -> None:
    """Start-up cost: OpenSSL, dataclasses, subprocess, email only when a run needs them."""
    code = ("import sys\nfrom smtptui.main import main\n"
            f"code = main(['run', '--server', '127.0.0.1:{sink.port}', '--tls', 'off', "
            "'--from', 'a@example.com', '--to', 'b@example.net'])\n"
            "bad = [m for m in sys.modules if m in ('ssl', '_ssl', 'dataclasses', 'asyncio', "
            "'subprocess', 'email')]\n"
            "print(code, bad); sys.exit(0 if code == 0 and not bad else 1)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-500:] + proc.stderr
    assert len(sink.wait_for_messages(1)) == 1


def test_the_default_command_line_loads_only_what_the_session_uses(sink) -> None:
    """Issue 17: the command a user types (`--tls starttls` by default) against a server that
    offers no STARTTLS loads nothing of TLS, and nothing that only a rare option needs: the
    reply tables (--explain), shutil (argparse's help width), pathlib (a message file)."""
    code = ("import sys\nbefore = set(sys.modules)\nfrom smtptui.main import main\n"
            f"code = main(['run', '--server', '127.0.0.1:{sink.port}', "
            "'--from', 'a@example.com', '--to', 'b@example.net'])\n"
            "loaded = set(sys.modules) - before\n"
            "bad = sorted(loaded & {'ssl', '_ssl', 'shutil', 'pathlib', 'json', 'asyncio', "
            "'smtptui.cli.explainer', 'smtptui.knowledge.replies', 'smtptui.knowledge.keywords', "
            "'smtptui.knowledge.diagnosis'})\n"
            "print(code, bad); sys.exit(0 if code == 0 and not bad else 1)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-500:] + proc.stderr
    assert len(sink.wait_for_messages(1)) == 1
