"""The engine's own contract: verdict rules, exceptions and time budgets become findings, decode once."""

from __future__ import annotations

import gc
import time
import weakref
from datetime import date

from tests.fixtures.documents import encode_jpeg, render_id_card
from tests.fixtures.engine_runs import made_up_check, run_engine
from workers.checks.capture import Fact
from workers.checks.context import DocumentContext
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import CHECK_ERROR, Outcome, Status, Verdict
from workers.checks.personal_data import mask_document_number
from workers.checks.policy import load_policy
from workers.checks.spec import DocumentCheck

POLICY = load_policy("default")


def _bundle() -> tuple[BundleSpec, dict[str, bytes]]:
    spec = BundleSpec(
        reference="E-1",
        profile=Profile(full_name="Anna Eriksson"),
        documents=[DocumentSpec(role=Role.ID_DOCUMENT, file="id.jpg")],
    )
    return spec, {"id.jpg": encode_jpeg(render_id_card(width=640))}


def _check(code: str, status: Status | Exception, calls: list[int] | None = None) -> DocumentCheck:
    def evaluate(doc: object) -> Outcome:
        if calls is not None:
            calls.append(id(doc.capture.rgb))  # type: ignore[attr-defined]
        if isinstance(status, Exception):
            raise status
        return Outcome(status=status, message=f"{code} said {status}")

    return made_up_check(code, evaluate)


def _run(*checks: DocumentCheck, deadline: float | None = None) -> tuple[Verdict, list[tuple[str, Status]]]:
    spec, files = _bundle()
    verdict = run_engine(
        spec,
        files,
        submit_on=date(2026, 12, 1),
        policy=POLICY,
        document_checks=checks,
        bundle_checks=[],
        readers=[],
        deadline=deadline,
        allow_check_error=True,  # these tests are about CHECK_ERROR itself
    )
    return verdict.verdict, [(f.code, f.status) for f in verdict.findings]


def test_any_fail_is_fix_required_else_any_review_is_review_else_ready() -> None:
    assert _run(_check("A", Status.PASS))[0] is Verdict.READY
    assert _run(_check("A", Status.PASS), _check("B", Status.REVIEW))[0] is Verdict.REVIEW
    assert _run(_check("A", Status.REVIEW), _check("B", Status.FAIL))[0] is Verdict.FIX_REQUIRED


def test_a_check_that_raises_becomes_a_review_finding_and_the_others_still_run() -> None:
    verdict, findings = _run(_check("BOOM", RuntimeError("broken")), _check("AFTER", Status.PASS))
    assert verdict is Verdict.REVIEW
    assert findings == [(CHECK_ERROR, Status.REVIEW), ("AFTER", Status.PASS)]


def test_checks_past_the_deadline_are_reported_not_run() -> None:
    _, findings = _run(_check("LATE", Status.PASS), deadline=time.monotonic() - 1)
    assert findings == [(CHECK_ERROR, Status.REVIEW)]


def test_every_check_sees_the_same_decoded_pixels() -> None:
    seen: list[int] = []
    _run(_check("A", Status.PASS, seen), _check("B", Status.PASS, seen))
    assert len(seen) == 2 and seen[0] == seen[1]


def test_a_documents_pixels_are_freed_when_its_bundle_is_checked_not_at_the_next_garbage_collection() -> None:
    # A context refers to its bundle and back: without an explicit release the pixels lived until CPython's rare
    # full collection, and a worker grew ~25 MB per standard bundle (0.5 -> 2.0 GB over 30).
    pixels: list[weakref.ref[object]] = []

    def keep_a_view(doc: DocumentContext) -> Outcome:
        capture = doc.capture
        pixels.append(weakref.ref(capture.rgb))
        pixels.append(weakref.ref(capture.cached(Fact("test.view"), lambda: capture.rgb[::2, ::2].copy())))
        return Outcome(status=Status.PASS, message="kept a view")

    gc.disable()
    try:
        _run(made_up_check("VIEW", keep_a_view))
        assert len(pixels) == 2 and all(ref() is None for ref in pixels)
    finally:
        gc.enable()


def test_document_numbers_are_masked_to_the_last_four() -> None:
    assert mask_document_number("L898902C3") == "*****02C3"
    assert mask_document_number("12345") == "****5"


def test_numpy_measures_and_regions_become_plain_json_numbers() -> None:
    import msgspec
    import numpy as np

    from workers.checks.model import Region

    def evaluate(doc: object) -> Outcome:
        region = Region(polygon=[[np.float64(1.25), np.int64(2)], [np.float32(3.5), np.float64(4)]])  # type: ignore[list-item]
        return Outcome(
            status=Status.PASS,
            message="ok",
            measured=np.float64(0.123456789),
            threshold=np.int64(3),  # type: ignore[arg-type]
            region=region,
        )

    spec, files = _bundle()
    check = made_up_check("NUMPY", evaluate)
    verdict = run_engine(
        spec, files, submit_on=date(2026, 12, 1), policy=POLICY, document_checks=[check], bundle_checks=[], readers=[]
    )
    encoded = msgspec.json.decode(msgspec.json.encode(verdict))
    assert encoded["findings"][0]["measured"] == 0.1235 and encoded["findings"][0]["threshold"] == 3
    assert encoded["findings"][0]["region"]["polygon"] == [[1.2, 2.0], [3.5, 4.0]]


def test_a_failing_root_cause_silences_what_it_makes_meaningless_on_its_document_only() -> None:
    # IMAGE_BLURRY fails: the MRZ it made unreadable is "not judged", the verdict has one fail, not two.
    blurry = _check("IMAGE_BLURRY", Status.FAIL)
    unreadable = _check("MRZ_UNREADABLE", Status.FAIL)
    glare_review = _check("IMAGE_GLARE", Status.REVIEW)  # not a dependent of blur: kept
    verdict, findings = _run(blurry, unreadable, glare_review)
    assert findings == [("IMAGE_BLURRY", Status.FAIL), ("MRZ_UNREADABLE", Status.PASS), ("IMAGE_GLARE", Status.REVIEW)]
    assert verdict is Verdict.FIX_REQUIRED
    # A review is no root cause: nothing is silenced by it.
    _, kept = _run(_check("IMAGE_BLURRY", Status.REVIEW), unreadable)
    assert kept == [("IMAGE_BLURRY", Status.REVIEW), ("MRZ_UNREADABLE", Status.FAIL)]
