"""Redis key layout, shared by the API (writer of batches) and the workers (writers of verdicts).

Everything of a batch lives under `kyc:b:{batch_id}:...` so that a DELETE can find all of it by prefix.
"""

from __future__ import annotations

PREFIX = "kyc"


def batch(batch_id: str) -> str:
    """Hash: tenant, state, total, done, counts per verdict, submit_on, policy, created_at, finalized_at."""
    return f"{PREFIX}:b:{batch_id}"


def refs(batch_id: str) -> str:
    """List of bundle references in manifest order (index = bundle index)."""
    return f"{PREFIX}:b:{batch_id}:refs"


def bundle_spec(batch_id: str, index: int) -> str:
    """The bundle's manifest entry (personal data, sealed): deleted once its verdict is stored."""
    return f"{PREFIX}:b:{batch_id}:spec:{index}"


def blob(batch_id: str, index: int, doc: int) -> str:
    """One uploaded file's bytes (sealed): deleted once its bundle is checked, expires unread otherwise."""
    return f"{PREFIX}:b:{batch_id}:blob:{index}:{doc}"


def preview(batch_id: str, index: int, document: str) -> str:
    """An annotated preview (JPEG, sealed) of a bundle's document with a fail or review finding; kept as long as
    the verdict, made only when the batch or its tenant asks (workers/checks/previews.py)."""
    return f"{PREFIX}:b:{batch_id}:preview:{index}:{document}"


def data_key(batch_id: str) -> str:
    """The batch's data key, wrapped by the master key (workers/sealing.py): lives as long as its verdicts."""
    return f"{PREFIX}:b:{batch_id}:key"


def attempts(batch_id: str) -> str:
    """Hash: bundle index -> how many times a worker started it (to stop a poison bundle looping)."""
    return f"{PREFIX}:b:{batch_id}:attempts"


def verdicts(batch_id: str) -> str:
    """Hash: reference -> verdict JSON, sealed (plain only for an error verdict of a bundle whose data could not
    be opened: it quotes nothing of the bundle)."""
    return f"{PREFIX}:b:{batch_id}:verdicts"


def codes(batch_id: str) -> str:
    """Hash: finding code -> how many fail/review findings carry it."""
    return f"{PREFIX}:b:{batch_id}:codes"


def batch_pattern(batch_id: str) -> str:
    return f"{PREFIX}:b:{batch_id}*"


def staging(upload_id: str, n: int) -> str:
    """A file being received before its manifest is validated."""
    return f"{PREFIX}:upload:{upload_id}:{n}"


def idempotency(tenant: str, key_digest: str) -> str:
    return f"{PREFIX}:idem:{tenant}:{key_digest}"


def worker_heartbeat(hostname: str) -> str:
    return f"{PREFIX}:worker:{hostname}"


def blob_pattern(batch_id: str, index: int) -> str:
    return f"{PREFIX}:b:{batch_id}:blob:{index}:*"


WORKER_HEARTBEAT_PATTERN = f"{PREFIX}:worker:*"
# workers/compaction.py: something was deleted since the last AOF rewrite / a rewrite was asked for lately /
# a rewrite happened within the maximum age.
AOF_DIRTY = f"{PREFIX}:aof:dirty"
AOF_RECENT = f"{PREFIX}:aof:recent"
AOF_FRESH = f"{PREFIX}:aof:fresh"
ALL_DOCUMENT_BLOBS_PATTERN = f"{PREFIX}:*blob*"
# Hash: broker delivery tag of a message being checked -> claim JSON {worker hostname, bundle, start time}, so that
# a live worker can give a dead worker's messages back to the queue at once (workers/recovery.py). Not under
# `kyc:worker:`, which /readyz counts as live workers.
RUNNING = f"{PREFIX}:running"


def applicant_attempts(tenant: str, reference_digest: str) -> str:
    """List: one JSON entry per preflight attempt of an applicant (codes and statuses only), oldest first. Keyed
    by the SHA-256 of the reference, so that no key name carries an applicant's identifier."""
    return f"{PREFIX}:a:{tenant}:{reference_digest}:log"


def applicant_attempt_ids(tenant: str, reference_digest: str) -> str:
    """Hash: '{batch_id}:{index}' -> attempt number (a bundle run twice is one attempt)."""
    return f"{PREFIX}:a:{tenant}:{reference_digest}:ids"


def tenant_batches(tenant: str) -> str:
    """Sorted set: the tenant's batch ids by creation time (the workspace's batch list); ids of expired or deleted
    batches are dropped when the list is read."""
    return f"{PREFIX}:t:{tenant}:batches"


def webhook_endpoints(tenant: str) -> str:
    """Hash: endpoint id -> its record (url, events, created_at, the signing secret wrapped by the master key)."""
    return f"{PREFIX}:wh:{tenant}:endpoints"


def webhook_event(event_id: str) -> str:
    """An event's body, exactly as it is sent and signed (ids, verdicts and codes: no personal data)."""
    return f"{PREFIX}:wh:event:{event_id}"


def webhook_deliveries(endpoint_id: str) -> str:
    """List: the endpoint's delivery attempts, newest first (capped). A batch's callback endpoint
    (`cb_{batch_id}`, workers/webhooks/registry.py) keeps its log under the batch, deleted with it."""
    if endpoint_id.startswith(CALLBACK_PREFIX):
        return f"{PREFIX}:b:{endpoint_id.removeprefix(CALLBACK_PREFIX)}:callback:deliveries"
    return f"{PREFIX}:wh:deliveries:{endpoint_id}"


# The id of a batch's callback endpoint is this prefix and the batch id.
CALLBACK_PREFIX = "cb_"


def batch_callback(batch_id: str) -> str:
    """The batch's own webhook endpoint (the manifest's `callback_url`), as a tenant's endpoint record."""
    return f"{PREFIX}:b:{batch_id}:callback"
