"""End-to-end tests against real mail servers on loopback (a private Postfix)."""
