"""Settings shared by the API and the workers, read from the environment once (dataclass groups)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

MB = 1024 * 1024
DEFAULT_SENTINEL_MASTER = "mymaster"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class RedisSettings:
    # One Redis (redis://, rediss://), or sentinel://host:port;sentinel://host:port/db: a primary, its replicas and
    # the sentinels that promote a replica when the primary fails (workers/redis_url.py, docs/operations.md).
    url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    # With a sentinel:// URL: the name the sentinels know the primary by (their `sentinel monitor NAME ...` line;
    # the default is the name in Redis's sample sentinel.conf) ...
    sentinel_master: str = field(
        default_factory=lambda: os.environ.get("PREFLIGHT_SENTINEL_MASTER", "") or DEFAULT_SENTINEL_MASTER
    )
    # ... and the sentinels' own password (their `requirepass`), if they have one; the primary's is in the URL.
    sentinel_password: str = field(
        default_factory=lambda: os.environ.get("PREFLIGHT_SENTINEL_PASSWORD", ""), repr=False
    )
    # Uploaded files live at most this long if no worker ever picks their bundle up (then they expire unread).
    blob_ttl_s: int = field(default_factory=lambda: _int("PREFLIGHT_BLOB_TTL_S", 24 * 3600))
    # Verdicts are kept for the retention period, then expire (issue 2: default 7 days).
    verdict_ttl_s: int = field(default_factory=lambda: _int("PREFLIGHT_VERDICT_TTL_S", 7 * 24 * 3600))


@dataclass(frozen=True)
class RedisClientSettings:
    """How every Redis client (the API's, the workers', the Celery broker's) rides out a Redis restart."""

    # A command that gets no reply for this long fails (and is retried) instead of waiting forever on a Redis
    # that vanished without closing the TCP connection; far above our slowest command (a bundle's files, MGET).
    socket_timeout_s: float = field(default_factory=lambda: _float("PREFLIGHT_REDIS_SOCKET_TIMEOUT_S", 15.0))
    # A Redis that is down refuses at once; this only bounds a connect to a host that does not answer at all.
    socket_connect_timeout_s: float = field(default_factory=lambda: _float("PREFLIGHT_REDIS_CONNECT_TIMEOUT_S", 5.0))
    # A pooled connection idle for longer than this is PINGed before it is used, so one that a Redis restart
    # broke is replaced quietly instead of failing the request it was taken for. Costs one PING per idle use.
    health_check_interval_s: int = field(default_factory=lambda: _int("PREFLIGHT_REDIS_HEALTH_CHECK_S", 2))
    # A command that meets a broken connection reconnects and is sent again up to this many times, waiting
    # base x 2^n seconds (full jitter, at most cap) in between: this rides out a blip of about a second. A
    # longer outage is the caller's: the API answers 503, a worker retries its task (WorkerOutageSettings).
    retries: int = 3
    retry_base_s: float = 0.1
    retry_cap_s: float = 1.0
    # The API's 503 while Redis is unreachable says Retry-After this many seconds: Redis restarting with its
    # append-only file is back within seconds for our data sizes.
    retry_after_s: int = 5


@dataclass(frozen=True)
class WorkerOutageSettings:
    """A bundle whose task met an unreachable Redis is retried, never dropped, never judged for the outage."""

    # The task waits in place for Redis to answer again (PING every base x 2^n s, full jitter, at most cap)
    # while its time limit allows; a restart with AOF takes seconds, a broken host minutes.
    wait_base_s: float = 0.25
    wait_cap_s: float = 5.0
    # Then the task is sent again (Celery retry) after a countdown drawn from [cap/2, cap] with cap =
    # base x 2^retries (at most backoff_cap_s): the jitter spreads the herd of bundles that met the same
    # outage over a few seconds instead of hitting a Redis that has just loaded its AOF all at once.
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 30.0
    # Outages in a row a bundle rides out: each waits for Redis as above, then counts down 1, 2, 4 ... 30 s
    # (some four minutes of countdowns in all). Beyond that a Redis that answers PING but keeps failing this
    # bundle's commands earns it a review verdict instead of an endless loop.
    max_retries: int = field(default_factory=lambda: _int("PREFLIGHT_OUTAGE_MAX_RETRIES", 12))


@dataclass(frozen=True)
class WorkerSettings:
    # The engine checks a bundle in about a second; the soft limit leaves room for OCR of five documents.
    soft_time_limit_s: int = field(default_factory=lambda: _int("PREFLIGHT_TASK_SOFT_LIMIT_S", 120))
    hard_time_limit_s: int = field(default_factory=lambda: _int("PREFLIGHT_TASK_HARD_LIMIT_S", 150))
    # A message taken by a worker that died comes back after the broker's visibility timeout; a few times the
    # hard limit, not Celery's default hour (ARCHITECTURE section 2, Celery issues #4976, #7651).
    visibility_timeout_s: int = field(default_factory=lambda: _int("PREFLIGHT_VISIBILITY_TIMEOUT_S", 0))
    concurrency: int = field(default_factory=lambda: _int("PREFLIGHT_WORKER_CONCURRENCY", os.cpu_count() or 1))
    # Batches go to `<queue>.<n>` (n < tenant_queues, by tenant), inline checks to kyc.inline (workers/queues.py).
    queue: str = "kyc.bundles"
    # Shards of the batch queue that workers serve in turn: 8 makes two given tenants share one with probability
    # 1/8 while a BRPOP over 10 keys stays cheap. Must be the same for the API and every worker.
    tenant_queues: int = field(default_factory=lambda: max(1, _int("PREFLIGHT_TENANT_QUEUES", 8)))

    # How often one worker looks for pending bundles whose broker message was lost (workers/orphans.py); such a
    # bundle is sent again after two looks in a row without a message, so within two periods. 30 s: well inside
    # the minutes a batch is waited for, while a backlog's messages are read only twice a minute.
    orphan_sweep_s: int = field(default_factory=lambda: max(1, _int("PREFLIGHT_ORPHAN_SWEEP_S", 30)))

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
class SealingSettings:
    # Base64 of 32 random bytes; the API and every worker need the same. Several, comma separated, to rotate:
    # the first wraps new batches' data keys, each of them unwraps (workers/sealing.py). Never printed.
    master_keys: str = field(default_factory=lambda: os.environ.get("PREFLIGHT_MASTER_KEY", ""), repr=False)
    # After a batch is finalized or deleted, Redis is asked to rewrite its append-only file (which drops deleted
    # keys, wrapped data keys included) at most this often; 0 never asks (workers/compaction.py).
    aof_rewrite_interval_s: int = field(default_factory=lambda: _int("PREFLIGHT_AOF_REWRITE_INTERVAL_S", 60))
    # ... and at least this often anyway, for what expired meanwhile (retention, files never read).
    aof_rewrite_max_age_s: int = field(default_factory=lambda: _int("PREFLIGHT_AOF_REWRITE_MAX_AGE_S", 3600))


@dataclass(frozen=True)
class ObservabilitySettings:
    """Logs and metrics (docs/operations.md, "Metrics and logs")."""

    # "json": one JSON object per line (for a log shipper; docker-compose.yml sets it); "text": for a terminal.
    log_format: str = field(default_factory=lambda: os.environ.get("PREFLIGHT_LOG_FORMAT", "") or "text")
    # Where worker processes keep their metric files for GET /metrics (prometheus-client's multiprocess mode,
    # which reads this variable itself under this name). Unset: the workers' metrics are not exported.
    metrics_dir: str = field(default_factory=lambda: os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""))
    # If set, GET /metrics wants `Authorization: Bearer <token>`; unset, it is open (an internal port).
    metrics_token: str = field(default_factory=lambda: os.environ.get("PREFLIGHT_METRICS_TOKEN", ""), repr=False)

    def __post_init__(self) -> None:
        if self.log_format not in ("json", "text"):
            raise ValueError("PREFLIGHT_LOG_FORMAT must be json or text")


@dataclass(frozen=True)
class PolicySettings:
    """Tenant policies (README "Tenant policies"): `<dir>/<tenant>/<name>.toml`, read by the API when a batch is
    submitted (the worker gets the resolved policy in the job). Unset: only the shipped policies exist."""

    tenant_policy_dir: str = field(default_factory=lambda: os.environ.get("PREFLIGHT_TENANT_POLICY_DIR", ""))

    def folder(self) -> Path | None:
        return Path(self.tenant_policy_dir) if self.tenant_policy_dir else None


def _seconds_list(name: str, default: str) -> tuple[int, ...]:
    return tuple(int(part) for part in (os.environ.get(name, "") or default).split(",") if part.strip())


@dataclass(frozen=True)
class WebhookSettings:
    """Outbound webhooks (README "Webhooks")."""

    # Private, loopback and link-local receivers (and plain http) refused unless this is set: SSRF.
    allow_private: bool = field(default_factory=lambda: os.environ.get("PREFLIGHT_WEBHOOK_ALLOW_PRIVATE", "") == "1")
    # Waits before each retry of a failed delivery: 10 s, 1 min, 5 min, 1 h, 5 h, 18 h (issue #19; about a day
    # in all, Stripe retries for three), then the delivery is given up and logged as failed.
    retry_s: tuple[int, ...] = field(
        default_factory=lambda: _seconds_list("PREFLIGHT_WEBHOOK_RETRY_S", "10,60,300,3600,18000,64800")
    )
    # A receiver must answer within this (issue #19: 5 s); a slower one counts as a failed attempt.
    timeout_s: float = field(default_factory=lambda: _float("PREFLIGHT_WEBHOOK_TIMEOUT_S", 5.0))


# The ticket subject exchanges' support desks recognise for a locked account (issue #19 item 5).
DEFAULT_ESCALATION_SUBJECT = "Urgent: Account Locked After KYC Submission \u2013 UID {reference}"


@dataclass(frozen=True)
class EscalationSettings:
    """The escalation packet (GET .../bundles/{reference}/escalation): its ticket subject, where `{reference}`
    stands for the bundle's reference (the applicant's UID at the exchange)."""

    subject_template: str = field(
        default_factory=lambda: os.environ.get("PREFLIGHT_ESCALATION_SUBJECT", "") or DEFAULT_ESCALATION_SUBJECT
    )

    def __post_init__(self) -> None:
        if "{reference}" not in self.subject_template:
            raise ValueError("PREFLIGHT_ESCALATION_SUBJECT must contain {reference}")


@dataclass(frozen=True)
class PreviewSettings:
    """Annotated previews (docs/contract.md, "Previews"): document imagery, so made only when a batch's manifest
    asks (`"previews": true`) or for the tenants listed here (PREFLIGHT_PREVIEW_TENANTS, comma separated)."""

    tenants: frozenset[str] = field(
        default_factory=lambda: frozenset(
            t.strip() for t in os.environ.get("PREFLIGHT_PREVIEW_TENANTS", "").split(",") if t.strip()
        )
    )


@dataclass(frozen=True)
class Settings:
    redis: RedisSettings = field(default_factory=RedisSettings)
    redis_client: RedisClientSettings = field(default_factory=RedisClientSettings)
    outage: WorkerOutageSettings = field(default_factory=WorkerOutageSettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    sealing: SealingSettings = field(default_factory=SealingSettings)
    observability: ObservabilitySettings = field(default_factory=ObservabilitySettings)
    policies: PolicySettings = field(default_factory=PolicySettings)
    escalation: EscalationSettings = field(default_factory=EscalationSettings)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    previews: PreviewSettings = field(default_factory=PreviewSettings)


@cache
def get_settings() -> Settings:
    return Settings()
