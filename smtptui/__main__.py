"""Entry point for ``python -m smtptui``."""

from smtptui.main import main

raise SystemExit(main())
