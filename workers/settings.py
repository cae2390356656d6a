"""Settings shared by the API and the workers, read from the environment once (dataclass groups)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache

MB = 1024 * 1024


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class RedisSettings:
    url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    # Uploaded files live at most this long if no worker ever picks their bundle up (then they expire unread).
    blob_ttl_s: int = field(default_factory=lambda: _int("PREFLIGHT_BLOB_TTL_S", 24 * 3600))
    # Verdicts are kept for the retention period, then expire (issue 2: default 7 days).
    verdict_ttl_s: int = field(default_factory=lambda: _int("PREFLIGHT_VERDICT_TTL_S", 7 * 24 * 3600))


@dataclass(frozen=True)
class WorkerSettings:
    # The engine checks a bundle in about a second; the soft limit leaves room for OCR of five documents.
    soft_time_limit_s: int = field(default_factory=lambda: _int("PREFLIGHT_TASK_SOFT_LIMIT_S", 120))
    hard_time_limit_s: int = field(default_factory=lambda: _int("PREFLIGHT_TASK_HARD_LIMIT_S", 150))
    # A message taken by a worker that died comes back after the broker's visibility timeout; a few times the
    # hard limit, not Celery's default hour (ARCHITECTURE section 2, Celery issues #4976, #7651).
    visibility_timeout_s: int = field(default_factory=lambda: _int("PREFLIGHT_VISIBILITY_TIMEOUT_S", 0))
    concurrency: int = field(default_factory=lambda: _int("PREFLIGHT_WORKER_CONCURRENCY", os.cpu_count() or 1))
    queue: str = "kyc.bundles"

    @property
    def effective_visibility_timeout_s(self) -> int:
        return self.visibility_timeout_s or 3 * self.hard_time_limit_s


@dataclass(frozen=True)
class LimitSettings:
    # Hard transport caps (413 beyond them). The 5 MB provider limit is a finding, not a transport error.
    max_file_bytes: int = field(default_factory=lambda: _int("PREFLIGHT_MAX_FILE_BYTES", 25 * MB))
    max_request_bytes: int = field(default_factory=lambda: _int("PREFLIGHT_MAX_REQUEST_BYTES", 2048 * MB))
    max_bundles: int = field(default_factory=lambda: _int("PREFLIGHT_MAX_BUNDLES", 10_000))
    # POST /v1/check waits this long for the verdict before answering 202 with the batch link.
    inline_wait_s: float = field(default_factory=lambda: _float("PREFLIGHT_INLINE_WAIT_S", 10.0))


@dataclass(frozen=True)
class AuthSettings:
    # "tenant:sha256hex,tenant2:sha256hex" - only hashes of API keys are configured, never the keys.
    api_keys: str = field(default_factory=lambda: os.environ.get("PREFLIGHT_API_KEYS", ""))

    def key_hashes(self) -> dict[str, str]:
        """sha256 hex of a key -> tenant."""
        table: dict[str, str] = {}
        for entry in filter(None, (e.strip() for e in self.api_keys.split(","))):
            tenant, _, digest = entry.partition(":")
            if not tenant or len(digest) != 64:
                raise ValueError("PREFLIGHT_API_KEYS entries must be tenant:sha256hex")
            table[digest.lower()] = tenant
        return table


@dataclass(frozen=True)
class Settings:
    redis: RedisSettings = field(default_factory=RedisSettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)


@cache
def get_settings() -> Settings:
    return Settings()
