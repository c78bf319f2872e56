"""Signing in, the idle lock, the first administrator and the Users dialog."""
