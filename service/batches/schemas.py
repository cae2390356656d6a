"""Response bodies of the batch endpoints (they are also the OpenAPI schema)."""

from __future__ import annotations

from typing import Literal

import msgspec

from workers.checks.model import BundleVerdict


class Links(msgspec.Struct, omit_defaults=True):
    status: str
    verdicts: str
    # Only in POST /v1/check's 202: where the one bundle's verdict will be.
    bundle: str | None = None


class BatchAccepted(msgspec.Struct, omit_defaults=True):
    batch_id: str
    state: str
    bundles: int
    links: Links
    # Only when the manifest names a callback_url, and only in the answer that created the batch: the HMAC key of
    # the Preflight-Signature header of the events sent there (endpoint id `cb_{batch_id}`). Store it now.
    callback_secret: str | None = None


class Counts(msgspec.Struct):
    total: int
    done: int
    pending: int


class VerdictCounts(msgspec.Struct):
    ready: int
    fix_required: int
    review: int


class CodeCount(msgspec.Struct):
    code: str
    count: int


class BatchStatus(msgspec.Struct):
    batch_id: str
    state: Literal["queued", "running", "done"]
    created_at: str
    submit_on: str
    policy: str
    counts: Counts
    verdicts: VerdictCounts
    top_codes: list[CodeCount]
    links: Links
    finalized_at: str | None = None


class VerdictPage(msgspec.Struct):
    batch_id: str
    offset: int
    limit: int
    total: int
    items: list[BundleVerdict]
    next: str | None = None


class BundlePending(msgspec.Struct):
    batch_id: str
    reference: str
    state: Literal["pending"] = "pending"
