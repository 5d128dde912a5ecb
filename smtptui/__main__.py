"""Entry point for ``python -m smtptui``."""

from smtptui.cli import main

raise SystemExit(main())
