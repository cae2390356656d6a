"""The webhook signature (Stripe's scheme) and the address rule that keeps webhooks out of private networks."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest

from workers.webhooks.addresses import RefusedAddressError, checked_target, checked_url, is_public
from workers.webhooks.signing import REPLAY_WINDOW_S, signature_header, verify

SECRET = "whsec_test"
BODY = b'{"id":"evt_1","type":"bundle.checked"}'


def test_a_signature_verifies_only_for_its_body_secret_and_time() -> None:
    header = signature_header(SECRET, BODY, now=1_800_000_000)
    assert header.startswith("t=1800000000,v1=")
    assert verify(header, BODY, SECRET, now=1_800_000_000 + 10)
    assert not verify(header, BODY + b" ", SECRET, now=1_800_000_000)
    assert not verify(header, BODY, "whsec_other", now=1_800_000_000)
    assert not verify(header, BODY, SECRET, now=1_800_000_000 + REPLAY_WINDOW_S + 1)  # a replay, too late
    assert not verify("v1=deadbeef", BODY, SECRET) and not verify("", BODY, SECRET)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # loopback written as IPv6
        ("224.0.0.1", False),
    ],
)
def test_only_public_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_urls_are_refused_before_anything_is_sent() -> None:
    for url in ("http://example.com/hook", "ftp://example.com/", "https:///nohost", "https://127.0.0.1/hook"):
        with pytest.raises(RefusedAddressError):
            checked_url(url, allow_private=False)
    assert checked_url("http://127.0.0.1:8080/hook", allow_private=True) == "http://127.0.0.1:8080/hook"


def _resolving_to(*addresses: str) -> Callable[..., list[tuple[Any, ...]]]:
    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        family = {True: socket.AF_INET6, False: socket.AF_INET}
        return [(family[":" in a], socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return getaddrinfo


def test_a_delivery_connects_to_the_address_it_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("8.8.8.8"))
    target = checked_target("https://hooks.example.com:8443/in?x=1", allow_private=False)
    # The request goes to the address checked (not to what a second lookup might answer: DNS rebinding), and
    # TLS and the Host header still name the URL's host.
    assert target.connect_url == "https://8.8.8.8:8443/in?x=1" and target.hostname == "hooks.example.com"
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("2001:4860:4860::8888"))
    assert checked_target("https://hooks.example.com/in", allow_private=False).connect_url == (
        "https://[2001:4860:4860::8888]/in"
    )
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("8.8.8.8", "10.0.0.7"))  # one private answer
    with pytest.raises(RefusedAddressError, match=r"10\.0\.0\.7"):
        checked_target("https://hooks.example.com/in", allow_private=False)
