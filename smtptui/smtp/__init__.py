"""The SMTP protocol, pure: the sans-IO client, replies, commands, AUTH, DATA (no I/O)."""
