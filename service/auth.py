"""Bearer API keys: only their SHA-256 hashes are configured; each key belongs to one tenant."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from litestar import Request

from service.errors import UnauthorizedError


def key_digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


async def authenticate(request: Request[Any, Any, Any]) -> str:
    """The tenant owning the request's Bearer key; 401 problem if missing or unknown."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("send 'Authorization: Bearer <API key>'", field="Authorization")
    digest = key_digest(token.strip())
    table: dict[str, str] = request.app.state.api_key_hashes
    for known, tenant in table.items():
        if hmac.compare_digest(known, digest):
            return tenant
    raise UnauthorizedError("the API key is not known", field="Authorization")
