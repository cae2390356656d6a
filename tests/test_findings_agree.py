"""Two findings about the same fact never disagree (issue #17 item 4), over the whole registry: on generated
captures of every seeded defect, a clean bundle, a passport whose MRZ says expired under a registered date of
birth that reads two ways, and a sample of the real corpus (tests/fixtures/registry_runs).

SAME_FACT lists, for a finding that does not pass, the findings that judge the same fact and so must not pass
it on the same document (or anywhere in the bundle, for a bundle finding): they either say nothing, or say
they were not judged because of it."""

from __future__ import annotations

from datetime import date
from functools import cache

import msgspec
import pytest
from skimage import data as skdata

from tests.fixtures.documents import Person, encode_jpeg, render_id_card, render_passport_page
from tests.fixtures.engine_runs import run_engine
from tests.fixtures.registry_runs import (
    CORPUS,
    DEFECTS,
    PROFILE,
    clean_bundle_verdict,
    corpus_verdicts,
    generated_verdict,
)
from workers.checks.manifest import BundleSpec, Declared, DocumentSpec, Profile, Role
from workers.checks.model import BundleVerdict, Finding, Status

# A finding that does not pass -> the codes that judge the same fact.
SAME_FACT: dict[str, frozenset[str]] = {
    # The expiry date: an expired document is not "valid for more than the margin".
    "DOCUMENT_EXPIRED": frozenset({"DOCUMENT_EXPIRES_SOON"}),
    # The registered date of birth read two ways: once the document settles it, it is not "unambiguous".
    "DOB_AMBIGUITY_RESOLVED": frozenset({"PROFILE_DOB_AMBIGUOUS"}),
    # "Is this file a screenshot?": a UI bar found is not "no sign of a screenshot".
    "SCREEN_CAPTURE_UI": frozenset({"FILE_SCREENSHOT_SUSPECTED"}),
    # The MRZ: one that cannot be read has no check digits that "hold" and no fields that "match the profile".
    "MRZ_UNREADABLE": frozenset({"MRZ_CHECK_DIGIT_INVALID", "MRZ_PROFILE_MISMATCH"}),
    # The statement date of a proof of address: one not found on the page is neither recent, nor not in the
    # future, nor the declared one.
    "POA_DATE_NOT_FOUND": frozenset({"POA_TOO_OLD", "POA_DATED_IN_FUTURE", "POA_DATE_MISMATCH"}),
    # The applicant's face in the selfie: with none found, nothing about it (size, light, sharpness, what covers
    # it, whether it is the ID's portrait or a screen) can pass.
    "SELFIE_NO_FACE": frozenset(
        {
            "SELFIE_FACE_TOO_SMALL",
            "SELFIE_FACE_BLURRY",
            "SELFIE_FACE_TOO_DARK",
            "SELFIE_FACE_BACKLIT",
            "SELFIE_FACE_UNEVEN_LIGHT",
            "SELFIE_SUNGLASSES",
            "SELFIE_FACE_MASK",
            "SELFIE_HAT",
            "SELFIE_RECAPTURED",
            "SELFIE_FACE_MISMATCH",
        }
    ),
    # The ID's portrait: without one, the selfie's face cannot "match" it.
    "ID_PORTRAIT_MISSING": frozenset({"SELFIE_FACE_MISMATCH"}),
    # The card held in the selfie: with none found, it cannot be "the submitted document".
    "SELFIE_DOCUMENT_MISSING": frozenset({"SELFIE_DOCUMENT_MISMATCH"}),
}


def contradictions(verdict: BundleVerdict) -> list[str]:
    """Pairs of findings about one fact of which one does not pass and the other passes it."""

    def same_place(a: Finding, b: Finding) -> bool:
        return a.document is None or b.document is None or a.document == b.document

    out = []
    for failing in verdict.findings:
        if failing.status is Status.PASS or failing.message.startswith("Not judged"):
            continue
        for other in verdict.findings:
            if (
                other.code in SAME_FACT.get(failing.code, ())
                and other.status is Status.PASS
                and not other.message.startswith("Not judged")
                and same_place(failing, other)
            ):
                out.append(f"{failing.code} {failing.status.value} ({failing.message}) but {other.code} passes "
                           f"({other.message})")  # fmt: skip
    return out


@cache
def _expired_passport_ambiguous_birth() -> BundleVerdict:
    passport = encode_jpeg(render_passport_page(Person(expiry=date(2012, 4, 15)), seed=5, width=1400))
    doc = DocumentSpec(
        role=Role.ID_DOCUMENT, file="p.jpg", type="passport", declared=Declared(expiry_date="2031-04-15")
    )
    spec = BundleSpec(
        reference="AGREE-1",
        profile=Profile(full_name="Anna Maria Eriksson", date_of_birth="12/08/1974"),
        documents=[doc],
    )
    return run_engine(spec, {"p.jpg": passport})


def test_an_expired_passport_under_an_ambiguous_birth_date_agrees_and_a_made_up_pass_is_caught() -> None:
    # The verdict the issue found contradicting itself: a declared 2031 expiry over an MRZ saying 2012, and a
    # registered 12/08/1974 the MRZ settles. Both facts fail, and nothing passes them.
    verdict = _expired_passport_ambiguous_birth()
    codes = {f.code: f.status for f in verdict.findings}
    assert codes["DOCUMENT_EXPIRED"] is Status.FAIL and codes["DOB_AMBIGUITY_RESOLVED"] is Status.FAIL
    assert contradictions(verdict) == []
    made_up = Finding(code="DOCUMENT_EXPIRES_SOON", status=Status.PASS, document=None, message="stays valid")
    assert len(contradictions(msgspec.structs.replace(verdict, findings=[*verdict.findings, made_up]))) == 1


@pytest.mark.parametrize("defect", DEFECTS)
def test_findings_on_a_generated_capture_agree(defect: str) -> None:
    assert contradictions(generated_verdict(defect)) == []


def test_findings_on_a_clean_bundle_agree() -> None:
    assert contradictions(clean_bundle_verdict()) == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to run")
def test_findings_on_real_captures_agree() -> None:
    assert [c for _, verdict in corpus_verdicts() for c in contradictions(verdict)] == []


def test_a_selfie_without_a_face_or_a_card_agrees() -> None:
    # The selfie pairs' failing side on a real run: a photo of a cup of coffee sent as the selfie, beside an ID
    # whose portrait is found. No face and no card are found, and nothing about either passes.
    docs = [
        DocumentSpec(role=Role.ID_DOCUMENT, file="id.jpg", type="id_card"),
        DocumentSpec(role=Role.SELFIE, file="selfie.jpg"),
    ]
    files = {
        "id.jpg": encode_jpeg(render_id_card(seed=3)),
        "selfie.jpg": encode_jpeg(skdata.coffee()),  # type: ignore[no-untyped-call]
    }
    verdict = run_engine(BundleSpec(reference="AGREE-2", profile=PROFILE, documents=docs), files)
    statuses = {f.code: f.status for f in verdict.findings}
    assert statuses["SELFIE_NO_FACE"] is Status.FAIL and statuses["SELFIE_DOCUMENT_MISSING"] is not Status.PASS
    assert contradictions(verdict) == []
