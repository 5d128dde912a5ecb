"""smtptui: a terminal workbench for SMTP sessions, and its headless engine."""

__version__ = "0.1.0"
