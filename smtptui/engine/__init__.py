"""The session engine: sans-IO SMTP protocol core, message encoder and asyncio driver (no UI)."""
