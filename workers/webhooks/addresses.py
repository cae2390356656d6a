"""Where a webhook may be sent: never to a private, loopback, link-local, multicast or reserved address (a
caller must not make the service reach into its own network: SSRF), unless the operator allows it
(PREFLIGHT_WEBHOOK_ALLOW_PRIVATE, for a receiver on the same network or tests on loopback)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


class RefusedAddressError(ValueError):
    pass


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


@dataclass(frozen=True)
class Target:
    """Where one delivery connects: `connect_url` names the address the host was checked at, so the request
    cannot go to a second DNS answer (DNS rebinding); `hostname` is the Host header and the TLS server name (the
    certificate is verified against it)."""

    connect_url: str
    hostname: str


def checked_url(url: str, *, allow_private: bool) -> str:
    """`url` if a webhook may be sent there, else RefusedAddressError saying why. https only, unless private
    addresses are allowed (a receiver on a private network or on loopback may speak plain http)."""
    checked_target(url, allow_private=allow_private)
    return url


def checked_target(url: str, *, allow_private: bool) -> Target:
    """checked_url, and the address to connect to: the one checked."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RefusedAddressError("the url must be an absolute https:// URL")
    if parts.scheme == "http" and not allow_private:
        raise RefusedAddressError("the url must use https")
    if allow_private:
        return Target(url, parts.hostname)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise RefusedAddressError(f"the host {parts.hostname!r} does not resolve") from None
    for *_, sockaddr in found:
        if not is_public(str(sockaddr[0])):
            raise RefusedAddressError(
                f"the host {parts.hostname!r} resolves to {sockaddr[0]}, a private, loopback, link-local or "
                "reserved address (PREFLIGHT_WEBHOOK_ALLOW_PRIVATE allows it)"
            )
    address = str(found[0][4][0])
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    return Target(urlunsplit(parts._replace(netloc=netloc)), parts.hostname)
