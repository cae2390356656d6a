"""What a REDIS_URL names: one Redis (`redis://`, `rediss://`, `unix://`), or a primary found through Redis Sentinel.

The Sentinel form is Celery's: the sentinels' addresses, each with its own scheme, separated by `;`; the primary's
password and the database number may be written once, on any of them (usually the password on the first and the
database on the last), and the master's name comes from PREFLIGHT_SENTINEL_MASTER:

    sentinel://:PASSWORD@10.0.0.1:26379;sentinel://10.0.0.2:26379;sentinel://10.0.0.3:26379/0

This is the one place that reads such a URL: the API's and the workers' clients (workers.redis_client) and the
Celery broker (workers.celery_app) all go through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

SENTINEL_SCHEME = "sentinel"
# The port Redis Sentinel listens on unless told otherwise (redis.io, "High availability with Redis Sentinel").
SENTINEL_DEFAULT_PORT = 26379


@dataclass(frozen=True)
class SentinelUrl:
    """The sentinels to ask where the primary is, and how to log in to the primary once found."""

    addresses: tuple[tuple[str, int], ...]
    db: int = 0
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def kombu_url(self) -> str:
        """The same URL as kombu wants it: every sentinel carries the password and the database, because kombu
        reads them from the first address only, and from the next one when it switches to it after a failure
        (so `;sentinel://host:port/0` at the end would leave the broker on database 0, without a password)."""
        credentials = ""
        if self.username or self.password:
            credentials = f"{quote(self.username or '', safe='')}:{quote(self.password or '', safe='')}@"
        return ";".join(
            f"{SENTINEL_SCHEME}://{credentials}{_bracketed(host)}:{port}/{self.db}" for host, port in self.addresses
        )


def is_sentinel_url(url: str) -> bool:
    return url.strip().lower().startswith(f"{SENTINEL_SCHEME}://")


def parse_sentinel_url(url: str) -> SentinelUrl | None:
    """The sentinels of a `sentinel://` URL, or None for any other URL. Raises ValueError for a malformed one."""
    if not is_sentinel_url(url):
        return None
    addresses: list[tuple[str, int]] = []
    credentials: set[tuple[str | None, str | None]] = set()
    dbs: set[int] = set()
    for part in filter(None, (p.strip() for p in url.split(";"))):
        parts = urlsplit(part)
        if parts.scheme.lower() != SENTINEL_SCHEME or not parts.hostname:
            raise ValueError(f"each address of a Sentinel URL must be sentinel://host:port, not {parts.scheme}://...")
        if parts.query or parts.fragment:
            raise ValueError("a Sentinel URL takes no query (TLS to Sentinel is not supported)")
        try:
            addresses.append((parts.hostname, parts.port or SENTINEL_DEFAULT_PORT))
        except ValueError as exc:  # a port that is no number, or out of range
            raise ValueError(f"a Sentinel URL's port: {exc}") from None
        if parts.username or parts.password:
            credentials.add((_unquoted(parts.username), _unquoted(parts.password)))
        if parts.path.strip("/"):
            dbs.add(_db(parts.path))
    if len(credentials) > 1 or len(dbs) > 1:
        raise ValueError("a Sentinel URL names two different passwords or databases")
    username, password = credentials.pop() if credentials else (None, None)
    return SentinelUrl(tuple(addresses), dbs.pop() if dbs else 0, username, password)


def broker_url(url: str) -> str:
    """The URL to give Celery for the broker: a Sentinel URL in the form kombu reads fully, any other as is."""
    sentinel = parse_sentinel_url(url)
    return sentinel.kombu_url() if sentinel else url


def _unquoted(value: str | None) -> str | None:
    return unquote(value) if value else None


def _db(path: str) -> int:
    try:
        db = int(path.strip("/"))
    except ValueError:
        raise ValueError(f"a Sentinel URL's database must be a number, not {path.strip('/')!r}") from None
    if db < 0:
        raise ValueError("a Sentinel URL's database must not be negative")
    return db


def _bracketed(host: str) -> str:
    """An IPv6 address in a URL is written in brackets."""
    return f"[{host}]" if ":" in host else host
