"""Workspace sign-in: an API key exchanged for a signed session cookie (HttpOnly, SameSite=Strict, path /ui), and
the CSRF token every form and upload carries. Stateless: the cookie holds the tenant, an expiry and a nonce,
signed with a key derived from the master key, so every API process accepts it and none stores it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from workers.sealing import Keyring

COOKIE = "preflight_session"
LOGIN_COOKIE = "preflight_login"  # the sign-in form's own CSRF token (double submit), before any session
# A working day: a team signs in in the morning; a cookie left on a shared machine dies by the evening.
SESSION_TTL_S = 8 * 3600


@dataclass(frozen=True)
class Session:
    tenant: str
    expires: int
    nonce: str


def _signing_key(keyring: Keyring) -> bytes:
    return hashlib.sha256(b"kyc-preflight/ui-session/v1\x00" + keyring.current).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(keyring: Keyring, tenant: str, now: float | None = None) -> str:
    body = {"t": tenant, "e": int((now or time.time()) + SESSION_TTL_S), "n": secrets.token_hex(16)}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_b64(hmac.new(_signing_key(keyring), payload.encode(), hashlib.sha256).digest())}"


def read(keyring: Keyring, cookie: str | None, now: float | None = None) -> Session | None:
    """The session a cookie holds, or None if it is missing, forged, malformed or expired."""
    if not cookie or "." not in cookie:
        return None
    payload, _, signature = cookie.partition(".")
    expected = _b64(hmac.new(_signing_key(keyring), payload.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, signature):
        return None
    try:
        body = json.loads(_unb64(payload))
        session = Session(str(body["t"]), int(body["e"]), str(body["n"]))
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.expires > (now or time.time()) else None


def csrf_token(keyring: Keyring, session: Session) -> str:
    """The session's CSRF token: forms carry it in a hidden field, scripts in the X-CSRF-Token header."""
    return _b64(hmac.new(_signing_key(keyring), f"csrf:{session.nonce}".encode(), hashlib.sha256).digest())


def csrf_ok(keyring: Keyring, session: Session, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(csrf_token(keyring, session), token or "")
