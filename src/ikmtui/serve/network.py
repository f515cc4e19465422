"""Addresses: whether the server listens on this computer only, and what to type into a browser to reach it."""

from __future__ import annotations

import ipaddress
import socket

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) only reaches this machine."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def urls(addresses: list[tuple[str, int]], host: str) -> list[str]:
    """Addresses to type into a browser: the bound ones, or this machine's name for a wildcard address."""
    found: list[str] = []
    for address, port in addresses:
        if address in ("0.0.0.0", "::"):
            address = socket.gethostname()
        elif ":" in address:
            address = f"[{address}]"
        url = f"http://{address}:{port}/"
        if url not in found:
            found.append(url)
    return found or [f"http://{host}/"]
