"""A 20-bundle batch with good bundles and bad files gets exactly the expected verdicts and codes, over real
HTTP, Redis and a Celery worker; afterwards no document bytes remain in Redis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from tests.fixtures import bad_files
from tests.fixtures.documents import Person, encode_jpeg, render_bill, render_id_card
from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.stack import Stack

pytestmark = pytest.mark.integration


@dataclass
class Case:
    reference: str
    verdict: str
    fail_codes: set[str] = field(default_factory=set)
    # Changes the good bundle's manifest entry and files: (bundle dict, files dict, prefix) -> None
    change: Callable[[dict[str, Any], dict[str, bytes], str], None] = lambda b, f, p: None


def _replace(role_file: str, data: Callable[[], bytes]) -> Callable[[dict[str, Any], dict[str, bytes], str], None]:
    def change(bundle: dict[str, Any], files: dict[str, bytes], prefix: str) -> None:
        files[f"{prefix}/{role_file}"] = data()

    return change


def _drop_selfie(bundle: dict[str, Any], files: dict[str, bytes], prefix: str) -> None:
    bundle["documents"] = [d for d in bundle["documents"] if d["role"] != "selfie"]
    del files[f"{prefix}/selfie.jpg"]


def _expired_passport(bundle: dict[str, Any], files: dict[str, bytes], prefix: str) -> None:
    expired = Person(expiry=date(2025, 3, 1))
    files[f"{prefix}/id.jpg"] = encode_jpeg(render_id_card(expired))
    bundle["documents"][0]["declared"]["expiry_date"] = "2025-03-01"


def _old_bill(bundle: dict[str, Any], files: dict[str, bytes], prefix: str) -> None:
    files[f"{prefix}/bill.jpg"] = encode_jpeg(render_bill(statement_date="2 May 2026"))
    bundle["documents"][2]["declared"]["statement_date"] = "2026-05-02"


BAD = [
    Case("BAD-PDF", "fix_required", {"FILE_TYPE_NOT_ACCEPTED"}, _replace("id.jpg", bad_files.pdf_bytes)),
    Case("BAD-TRUNCATED", "fix_required", {"FILE_CORRUPT"}, _replace("id.jpg", bad_files.truncated_jpeg)),
    Case("BAD-6MB", "fix_required", {"FILE_TOO_LARGE"}, _replace("bill.jpg", bad_files.oversized_jpeg)),
    Case(
        "BAD-BOMB",
        "fix_required",
        {"FILE_DECOMPRESSION_BOMB"},
        _replace("selfie.jpg", bad_files.decompression_bomb_png),
    ),
    Case("BAD-NO-SELFIE", "fix_required", {"BUNDLE_ROLE_MISSING"}, _drop_selfie),
    Case("BAD-EXPIRED", "fix_required", {"DOCUMENT_EXPIRED"}, _expired_passport),
    Case("BAD-OLD-BILL", "fix_required", {"POA_TOO_OLD"}, _old_bill),
]
GOOD = [Case(f"GOOD-{i:02d}", "ready") for i in range(20 - len(BAD))]


def test_twenty_bundles_get_exactly_the_expected_verdicts_and_leave_no_documents(stack: Stack) -> None:
    cases = GOOD + BAD
    bundles, files = [], {}
    for n, case in enumerate(cases):
        prefix = f"e{n}"
        bundle, bundle_files = good_bundle(case.reference, prefix), good_files(prefix, seed=n)
        case.change(bundle, bundle_files, prefix)
        bundles.append(bundle)
        files.update(bundle_files)
    with stack.client() as client:
        answer = post_batch(client, manifest(*bundles), files)
        assert answer.status_code == 202, answer.text
        batch_id = answer.json()["batch_id"]
        status = stack.wait_done(batch_id)
        items = client.get(f"/v1/batches/{batch_id}/verdicts", params={"limit": 100}).json()["items"]
    got = {v["reference"]: v for v in items}
    assert set(got) == {c.reference for c in cases}
    for case in cases:
        verdict = got[case.reference]
        fails = {f["code"] for f in verdict["findings"] if f["status"] == "fail"}
        problems = [(f["code"], f["document"], f["message"]) for f in verdict["findings"] if f["status"] != "pass"]
        assert verdict["verdict"] == case.verdict, (case.reference, problems)
        assert case.fail_codes <= fails, (case.reference, problems)
        if case.verdict == "ready":
            assert problems == []
    assert status["verdicts"] == {"ready": len(GOOD), "fix_required": len(BAD), "review": 0}
    top = {c["code"] for c in status["top_codes"]}
    assert {c for case in BAD for c in case.fail_codes} <= top
    r = stack.redis
    assert list(r.scan_iter(match="kyc:*blob*")) == []
    assert list(r.scan_iter(match="kyc:upload:*")) == []
    assert list(r.scan_iter(match=f"kyc:b:{batch_id}:spec:*")) == []
