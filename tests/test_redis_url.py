"""Reading a REDIS_URL that names Redis Sentinel (workers/redis_url.py), and what Celery's broker is given for it."""

from __future__ import annotations

from typing import Any

import pytest

from workers.celery_app import _transport_options, app
from workers.redis_client import async_client, sync_client
from workers.redis_url import SentinelUrl, broker_url, parse_sentinel_url
from workers.settings import RedisClientSettings, RedisSettings

CELERY_STYLE = "sentinel://:s3cr%40t@10.0.0.1:26379;sentinel://10.0.0.2:26380;sentinel://10.0.0.3/2"


def test_a_celery_style_url_gives_every_sentinel_the_password_and_the_database() -> None:
    found = parse_sentinel_url(CELERY_STYLE)
    assert found == SentinelUrl((("10.0.0.1", 26379), ("10.0.0.2", 26380), ("10.0.0.3", 26379)), 2, None, "s3cr@t")


def test_plain_urls_are_not_sentinel_urls() -> None:
    for url in ("redis://:pw@127.0.0.1:6379/0", "rediss://host:6380/0?ssl_cert_reqs=required", "unix:///tmp/r.sock"):
        assert parse_sentinel_url(url) is None
        assert broker_url(url) == url


def test_username_ipv6_and_defaults() -> None:
    found = parse_sentinel_url("sentinel://app:pw@[::1]:5000;SENTINEL://localhost")
    assert found == SentinelUrl((("::1", 5000), ("localhost", 26379)), 0, "app", "pw")


@pytest.mark.parametrize(
    "url",
    [
        "sentinel://h1:1;redis://h2:2",  # a plain Redis among the sentinels
        "sentinel://:a@h1:1;sentinel://:b@h2:2",  # two passwords
        "sentinel://h1:1/0;sentinel://h2:2/1",  # two databases
        "sentinel://h1:1/zero",
        "sentinel://h1:99999",
        "sentinel://h1:1?ssl_cert_reqs=required",  # TLS to Sentinel: not supported, not silently ignored
        "sentinel://",
    ],
)
def test_malformed_sentinel_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="Sentinel URL"):
        parse_sentinel_url(url)


def _kombu(url: str) -> Any:
    """The broker connection Celery makes for `url` (not connected: how kombu reads the URL is what matters)."""
    return app.connection_for_write(url)


def test_kombu_reads_the_password_and_database_from_whichever_sentinel_it_uses() -> None:
    """kombu takes them from the current address only: given the URL as written, it would use database 0 and no
    password; given broker_url's, it has both on every address it may switch to."""
    as_written = _kombu(CELERY_STYLE)
    assert (as_written.password, as_written.virtual_host) == ("s3cr@t", "/")
    connection = _kombu(broker_url(CELERY_STYLE))
    assert len(connection.alt) == 3
    for address in connection.alt:
        switched = _kombu(address)
        assert (switched.password, switched.virtual_host, switched.transport_cls) == ("s3cr@t", "2", "sentinel")


def test_the_broker_asks_the_sentinels_for_the_named_primary() -> None:
    client = RedisClientSettings()
    where = RedisSettings(url=CELERY_STYLE, sentinel_master="kyc", sentinel_password="sentinel-pw")
    options = _transport_options(600, client, where)
    assert options["master_name"] == "kyc"
    assert options["sentinel_kwargs"]["password"] == "sentinel-pw"
    assert options["sentinel_kwargs"]["socket_timeout"] == client.socket_timeout_s
    plain = _transport_options(600, client, RedisSettings(url="redis://127.0.0.1:6379/0"))
    assert "master_name" not in plain and "sentinel_kwargs" not in plain


@pytest.mark.parametrize("make", [sync_client, async_client])
def test_the_store_clients_ask_the_sentinels_for_the_named_primary(make: Any) -> None:
    """The API's and the workers' clients (not connected): the sentinels of the URL, with their own password, are
    asked for the primary `kyc`; the primary is logged in to with the URL's password and database."""
    where = RedisSettings(url=CELERY_STYLE, sentinel_master="kyc", sentinel_password="sentinel-pw")
    pool = make(where, RedisClientSettings()).connection_pool
    assert pool.service_name == "kyc" and pool.is_master
    assert (pool.connection_kwargs["password"], pool.connection_kwargs["db"]) == ("s3cr@t", 2)
    sentinels = [s.connection_pool.connection_kwargs for s in pool.sentinel_manager.sentinels]
    addresses = [("10.0.0.1", 26379), ("10.0.0.2", 26380), ("10.0.0.3", 26379)]
    assert [(s["host"], s["port"]) for s in sentinels] == addresses
    assert all(s["password"] == "sentinel-pw" for s in sentinels)
