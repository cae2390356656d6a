"""Verdicts as NDJSON lines or CSV rows, produced page by page so a large batch streams in constant memory."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import msgspec

from service.batches.languages import LanguageChoice
from service.batches.store import BatchStore
from workers.checks.model import BundleVerdict, Status

_PAGE = 500
CSV_COLUMNS = ["reference", "verdict", "fail", "review", "pass", "fail_codes", "review_codes", "checked_at"]


async def _stored(store: BatchStore, batch_id: str) -> AsyncIterator[bytes]:
    offset = 0
    while refs := await store.references(batch_id, offset, _PAGE):
        for raw in await store.verdicts(batch_id, refs):
            if raw is not None:
                yield raw
        offset += _PAGE


async def ndjson_lines(store: BatchStore, batch_id: str, language: LanguageChoice) -> AsyncIterator[bytes]:
    async for raw in _stored(store, batch_id):
        yield msgspec.json.encode(language.apply(msgspec.json.decode(raw, type=BundleVerdict))) + b"\n"


def csv_row(verdict: BundleVerdict) -> list[str]:
    def codes(status: Status) -> str:
        return ";".join(sorted({f.code for f in verdict.findings if f.status is status}))

    return [
        verdict.reference,
        verdict.verdict.value,
        str(verdict.summary.fail),
        str(verdict.summary.review),
        str(verdict.summary.passed),
        codes(Status.FAIL),
        codes(Status.REVIEW),
        verdict.checked_at,
    ]


def _csv_line(row: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(row)
    return out.getvalue().encode("utf-8")


async def csv_lines(store: BatchStore, batch_id: str) -> AsyncIterator[bytes]:
    yield _csv_line(CSV_COLUMNS)
    async for raw in _stored(store, batch_id):
        yield _csv_line(csv_row(msgspec.json.decode(raw, type=BundleVerdict)))
