"""Applicant history (issue #19 item 4): per tenant and bundle reference, the sequence of preflight attempts,
codes and statuses only (no personal data, no message), kept as long as verdicts are (PREFLIGHT_VERDICT_TTL_S,
renewed by each attempt). Deleting a batch leaves its attempts in the history until they expire: they hold no
document data, and the applicant's count of attempts must not restart when a batch is cleaned up.

An attempt is one bundle of one batch: a bundle run twice (a worker lost, a message redelivered) is the same
attempt, whatever order the workers of several batches finish in.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import msgspec
import redis

from workers import keys
from workers.checks.model import AttemptChanges, BundleVerdict, Status, Verdict

# Providers lock an account after a few rejected submissions (3 to 5 at the exchanges this serves, issue #19): a
# verdict that is not ready warns plainly from the applicant's third not-ready attempt, i.e. with this many
# not-ready attempts before it.
WARN_AFTER_NOT_READY = 2

# Appends the attempt once per (batch, bundle index) and answers its number and the entries before it.
# KEYS: log, ids. ARGV: '{batch_id}:{index}', entry JSON, ttl.
_RECORD = """
local number = redis.call('HGET', KEYS[2], ARGV[1])
if not number then
  number = redis.call('RPUSH', KEYS[1], ARGV[2])
  redis.call('HSET', KEYS[2], ARGV[1], number)
end
number = tonumber(number)
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
local before = {}
if number > 1 then before = redis.call('LRANGE', KEYS[1], 0, number - 2) end
return {number, before}
"""


class Attempt(msgspec.Struct, kw_only=True):
    """One preflight attempt of an applicant, as kept in the history and listed by the API."""

    batch_id: str
    checked_at: str
    verdict: Verdict
    # code -> "fail" | "review": the findings that kept the bundle from ready.
    codes: dict[str, str]
    attempt: int = 0  # filled when listed (the entry's place in the history)


def reference_digest(reference: str) -> str:
    return hashlib.sha256(reference.encode("utf-8")).hexdigest()[:32]


def _open_codes(verdict: BundleVerdict) -> dict[str, str]:
    return {f.code: f.status.value for f in verdict.findings if f.status is not Status.PASS}


def record_attempt(
    client: redis.Redis, tenant: str, batch_id: str, index: int, verdict: BundleVerdict, ttl_s: int
) -> BundleVerdict:
    """Record the verdict as an attempt of its applicant and return it with `attempt`, `changes` (since the
    previous attempt) and, when it is not ready after earlier not-ready attempts, `lockout_warning`."""
    digest = reference_digest(verdict.reference)
    entry = Attempt(
        batch_id=batch_id,
        checked_at=verdict.checked_at or datetime.now(UTC).isoformat(timespec="seconds"),
        verdict=verdict.verdict,
        codes=_open_codes(verdict),
    )
    number, before = client.eval(
        _RECORD,
        2,
        keys.applicant_attempts(tenant, digest),
        keys.applicant_attempt_ids(tenant, digest),
        f"{batch_id}:{index}",
        msgspec.json.encode(entry),
        ttl_s,
    )
    earlier = [msgspec.json.decode(raw, type=Attempt) for raw in before]
    changes = None
    if earlier:
        then, now = earlier[-1].codes, entry.codes
        changes = AttemptChanges(
            previous_verdict=earlier[-1].verdict,
            fixed=sorted(set(then) - set(now)),
            new=sorted(set(now) - set(then)),
            still_failing=sorted(set(then) & set(now)),
        )
    not_ready = sum(a.verdict is not Verdict.READY for a in earlier)
    warning = None
    if verdict.verdict is not Verdict.READY and not_ready >= WARN_AFTER_NOT_READY:
        warning = (
            f"This applicant has had {not_ready} earlier preflight attempts that were not ready either. KYC "
            "providers lock an account after a few rejected submissions: fix every finding of this verdict "
            "before anything is submitted to the provider."
        )
    return msgspec.structs.replace(verdict, attempt=int(number), changes=changes, lockout_warning=warning)


def attempts_key(tenant: str, reference: str) -> str:
    """Where the applicant's attempts are listed (read by the API with its own client)."""
    return keys.applicant_attempts(tenant, reference_digest(reference))


def listed_attempts(raw: list[bytes]) -> list[Attempt]:
    """The entries of attempts_key, oldest first, each with its attempt number."""
    listed = [msgspec.json.decode(item, type=Attempt) for item in raw]
    return [msgspec.structs.replace(a, attempt=number) for number, a in enumerate(listed, start=1)]
