"""From a profile or flags to a running session: plan, password source, runner."""
