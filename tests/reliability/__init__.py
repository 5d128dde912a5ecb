"""Reliability tests (issue 8): hostile servers, bad input, and property tests."""
