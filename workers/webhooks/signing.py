"""The signature a receiver checks: Stripe's scheme, `Preflight-Signature: t=<unix time>,v1=<hex>`, where the hex
is HMAC-SHA256 keyed by the endpoint's secret over `<t>.<raw body>`. A receiver recomputes it over the raw bytes
it received, compares in constant time and refuses a timestamp older than REPLAY_WINDOW_S."""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Preflight-Signature"
# The secret of a batch's callback_url, in the answer that created the batch (shown once).
CALLBACK_SECRET_HEADER = "Preflight-Callback-Secret"
# How old a signed timestamp a receiver should accept (Stripe's default tolerance, 5 minutes): a replayed
# request is refused after it. Each retry is signed afresh, so a late retry is not refused.
REPLAY_WINDOW_S = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, now: float | None = None) -> str:
    timestamp = int(time.time() if now is None else now)
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(header: str, body: bytes, secret: str, now: float | None = None) -> bool:
    """What a receiver does (README "Webhooks"): the signature holds and the timestamp is recent."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > REPLAY_WINDOW_S:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))
