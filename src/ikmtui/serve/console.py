"""What the server tells the person who started it."""

from __future__ import annotations


def say(message: str) -> None:
    """One line for the person who started the server (stdout, flushed: it may be a pipe or a service log)."""
    print(message, flush=True)
