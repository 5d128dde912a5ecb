"""Names the command line and profiles share: stages, TLS modes, time-out bounds (no imports)."""

#: The stages a session can be told to stop after (`--quit-after`).
QUIT_AFTER = ("connect", "banner", "ehlo", "tls", "auth", "mail", "rcpt", "data", "dot")
#: The TLS modes (`--tls`).
TLS_MODES = ("off", "starttls", "required", "implicit")

#: The longest time-out accepted, in seconds (a socket refuses NaN and absurd values).
MAX_TIMEOUT = 86400.0
