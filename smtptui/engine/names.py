"""The names the command line and profiles share: session stages and TLS modes (no imports)."""

#: The stages a session can be told to stop after (`--quit-after`).
QUIT_AFTER = ("connect", "banner", "ehlo", "tls", "auth", "mail", "rcpt", "data", "dot")
#: The TLS modes (`--tls`).
TLS_MODES = ("off", "starttls", "required", "implicit")
