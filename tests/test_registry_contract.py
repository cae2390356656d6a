"""The registry contract: every registered check is well declared, and never raises on clean or broken input.

Checks are called directly here (the engine would turn an exception into a CHECK_ERROR finding and hide it).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator

import pytest
from skimage import data as skdata

import workers.checks
from tests.fixtures import bad_files
from tests.fixtures.documents import encode_jpeg, render_bill, render_id_card
from tests.fixtures.filechecks import bundle_context
from workers.checks import catalogue
from workers.checks.context import BundleContext, DocumentContext
from workers.checks.manifest import AccountType, BundleSpec, Declared, DocumentSpec, Profile, Role
from workers.checks.model import CHECK_ERROR, Finding, Outcome, Status
from workers.checks.precedence import root_causes_first, roots_of, silenced_by, silences
from workers.checks.registry import ALL_CHECKS, BUNDLE_CHECKS, DOCUMENT_CHECKS, READERS
from workers.checks.spec import BundleCheck, Check, DocumentCheck, Result

UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
ROLE_NAMES = {str(role) for role in Role}


def test_codes_are_unique_and_upper_snake() -> None:
    codes = [check.code for check in ALL_CHECKS]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert CHECK_ERROR not in codes
    assert [c for c in codes if not UPPER_SNAKE.match(c)] == []
    assert [r.name for r in READERS if not r.name.strip()] == []


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.code)
def test_check_is_fully_declared(check: Check) -> None:
    assert check.summary.strip() and "\n" not in check.summary and len(check.summary) <= 160
    assert check.remediation.strip()
    assert check.threshold_source.strip()
    if isinstance(check, DocumentCheck):
        assert check.roles and check.roles <= set(Role)


def test_every_check_is_declared_in_the_one_form() -> None:
    # A module constant named by its code (fields by keyword: the classes refuse positional arguments), or a
    # row of the capture-quality Rule table, which builds a document check and its selfie twin.
    from workers.checks.quality.checks import RULES

    ruled = {rule.code for rule in RULES} | {f"SELFIE_{rule.code}" for rule in RULES}
    constants: dict[str, object] = {}
    for info in pkgutil.walk_packages(workers.checks.__path__, "workers.checks."):
        for name, value in vars(importlib.import_module(info.name)).items():
            if isinstance(value, DocumentCheck | BundleCheck) and name == value.code:
                constants[name] = value
    assert ruled and constants
    undeclared = [
        check.code for check in ALL_CHECKS if check.code not in ruled and constants.get(check.code) is not check
    ]
    assert undeclared == []
    with pytest.raises(TypeError):
        DocumentCheck("CODE", "summary", "fix", "source", frozenset(Role), lambda doc: None)  # type: ignore[call-arg]


def _bundle(files: dict[Role, bytes], account: AccountType) -> BundleContext:
    """A bundle context built as the engine builds it, with declared dates so the date rules run."""
    declared = {
        Role.ID_DOCUMENT: Declared(document_number="L898902C3", expiry_date="2031-04-15"),
        Role.PROOF_OF_ADDRESS: Declared(statement_date="2026-10-05"),
    }
    spec = BundleSpec(
        reference="CONTRACT-1",
        profile=Profile(full_name="Anna Maria Eriksson", date_of_birth="1974-08-12", address="12 Harbour Road"),
        documents=[
            DocumentSpec(role=role, file=f"{role}.bin", declared=declared.get(role, Declared())) for role in files
        ],
        account_type=account,
    )
    return bundle_context(spec, {f"{role}.bin": data for role, data in files.items()})


def _clean() -> BundleContext:
    card = encode_jpeg(render_id_card(seed=3))
    bill = encode_jpeg(render_bill(seed=3))
    files = {
        Role.ID_DOCUMENT: card,
        Role.SELFIE: encode_jpeg(skdata.astronaut()),  # type: ignore[no-untyped-call]
        Role.PROOF_OF_ADDRESS: bill,
        Role.BUSINESS_REGISTRATION: bill,
        Role.AUTHORIZATION_LETTER: bill,
    }
    return _bundle(files, AccountType.CORPORATE)


def _broken() -> Iterator[BundleContext]:
    yield _bundle(
        {
            Role.ID_DOCUMENT: bad_files.pdf_bytes(),
            Role.SELFIE: bad_files.truncated_jpeg(),
            Role.PROOF_OF_ADDRESS: bad_files.decompression_bomb_png(),
            Role.BUSINESS_REGISTRATION: bad_files.heic_like_bytes(),
            Role.AUTHORIZATION_LETTER: b"",
        },
        AccountType.CORPORATE,
    )
    yield _bundle(
        {
            Role.ID_DOCUMENT: bad_files.tiny_jpeg(),
            Role.SELFIE: bad_files.screenshot_png(),
            Role.PROOF_OF_ADDRESS: bad_files.webp_bytes(),
        },
        AccountType.INDIVIDUAL,
    )


def _well_formed(result: Result, *, bundle_scope: bool) -> list[str]:
    """Problems with a check's result; empty when it is None or well-formed Outcomes."""
    if result is None:
        return []
    outcomes = [result] if isinstance(result, Outcome) else list(result)
    problems = []
    for outcome in outcomes:
        if not isinstance(outcome, Outcome):
            problems.append(f"returned {type(outcome).__name__}, not an Outcome")
            continue
        if outcome.status not in set(Status) or not outcome.message.strip():
            problems.append(f"bad status or empty message: {outcome!r}")
        if outcome.document is not None and (not bundle_scope or outcome.document not in ROLE_NAMES):
            problems.append(f"document {outcome.document!r} set on a document check or not a role")
        if outcome.region is not None and any(len(p) != 2 for p in outcome.region.polygon):
            problems.append("region polygon points must be [x, y]")
    return problems


def _run_all(bundle: BundleContext) -> dict[str, list[str]]:
    """Readers, then document checks, then bundle checks, as the engine orders them; problems by name."""
    problems: dict[str, list[str]] = {}
    for doc in bundle.documents:
        for reader in READERS:
            if doc.role in reader.roles and doc.capture.decodes:
                try:
                    for name, value in reader.read(doc).items():
                        doc.read_fields.setdefault(name, value)
                except Exception as exc:
                    problems.setdefault(reader.name, []).append(f"{doc.role}: raised {exc!r}")
    checks: list[tuple[DocumentCheck | BundleCheck, DocumentContext | None]] = [
        (check, doc)
        for doc in bundle.documents
        for check in DOCUMENT_CHECKS
        if doc.role in check.roles and (not check.needs_pixels or doc.capture.decodes)
    ]
    checks += [(check, None) for check in BUNDLE_CHECKS]
    for check, target in checks:
        where = target.role if target else "bundle"
        try:
            if isinstance(check, DocumentCheck):
                assert target is not None
                found = _well_formed(check.evaluate(target), bundle_scope=False)
            else:
                found = _well_formed(check.evaluate(bundle), bundle_scope=True)
        except Exception as exc:
            found = [f"raised {exc!r}"]
        if found:
            problems.setdefault(check.code, []).extend(f"{where}: {p}" for p in found)
    return problems


def test_every_check_is_well_behaved_on_a_clean_bundle() -> None:
    assert _run_all(_clean()) == {}


def test_every_check_is_well_behaved_on_broken_files() -> None:
    for bundle in _broken():
        assert _run_all(bundle) == {}


def test_broken_files_do_not_reach_pixel_checks() -> None:
    bundle = next(_broken())
    assert [d.capture.decodes for d in bundle.documents] == [False] * 5


def test_catalogue_is_up_to_date() -> None:
    assert catalogue.CATALOGUE_PATH.exists(), "docs/checks.md is missing"
    committed = catalogue.CATALOGUE_PATH.read_text(encoding="utf-8")
    assert committed == catalogue.render(), (
        "docs/checks.md is stale: run `python -m workers.checks.catalogue > docs/checks.md`"
    )


def test_catalogue_lists_every_code() -> None:
    text = catalogue.render()
    for code in [*(c.code for c in ALL_CHECKS), CHECK_ERROR]:
        assert f"### `{code}`" in text


def test_catalogue_check_flag_reports_a_stale_file(tmp_path) -> None:
    assert catalogue.main(["--check"]) == 0
    stale = tmp_path / "checks.md"
    stale.write_text(catalogue.render().replace("FILE_MISSING", "FILE_GONE"), encoding="utf-8")
    assert catalogue.main(["--check", "--file", str(stale)]) == 1
    assert catalogue.main(["--check", "--file", str(tmp_path / "absent.md")]) == 1


def test_every_check_and_reader_has_its_domain() -> None:
    from workers.checks.registry import ALL_CHECKS, DOMAIN_OF, READERS

    codes = [check.code for check in ALL_CHECKS] + [reader.name for reader in READERS]
    assert sorted(set(codes) - set(DOMAIN_OF)) == []
    assert set(DOMAIN_OF.values()) == {"files", "bundle", "quality", "identity", "face", "authenticity"}


def test_every_root_cause_a_check_names_is_a_registered_document_check_and_the_catalogue_shows_it() -> None:
    # A check's moot_when is the data that makes it moot; a code misspelt there would silence nothing, and a
    # root cause is a fail on the same document, so it is a document check, never the check itself.
    document_codes = {check.code for check in ALL_CHECKS if isinstance(check, DocumentCheck)}
    for check in ALL_CHECKS:
        roots = (*check.moot_when, *check.moot_when_unsure)
        assert set(roots) - document_codes == set(), check.code
        assert check.code not in roots, check.code
        assert len(set(roots)) == len(roots), check.code  # a root named twice, or as both kinds
    assert {code for silenced in silences().values() for code in silenced} == {
        check.code for check in ALL_CHECKS if check.moot_when or check.moot_when_unsure
    }
    text = catalogue.render()
    section = text[text.index("### `IMAGE_BLURRY`") :]
    section = section[: section.index("\n### ", 1)]
    assert "- Not judged when any of these fails on the same document: `DOC_NOT_FOUND`" in section


def test_a_finding_is_silenced_only_by_a_root_its_own_check_names_and_by_the_first_that_failed() -> None:
    # MRZ_UNREADABLE names both the blur and the darkness; the verdict's order picks which one is quoted.
    fail, review = Status.FAIL, Status.REVIEW
    assert silenced_by("MRZ_UNREADABLE", fail, ["IMAGE_GLARE", "IMAGE_TOO_DARK", "IMAGE_BLURRY"]) == "IMAGE_TOO_DARK"
    assert silenced_by("MRZ_UNREADABLE", fail, ["IMAGE_BLURRY", "IMAGE_TOO_DARK"]) == "IMAGE_BLURRY"
    # Glare is no root cause of anything; a dark photo does not make the document's text resolution moot.
    assert silenced_by("MRZ_UNREADABLE", fail, ["IMAGE_GLARE", "DOC_PHOTOCOPY"]) is None
    assert silenced_by("TEXT_RESOLUTION_LOW", fail, ["IMAGE_TOO_DARK"]) is None
    # Something over the document makes its zone's reading moot.
    assert silenced_by("MRZ_UNREADABLE", fail, ["IMAGE_GLARE", "DOC_OBSTRUCTED"]) == "DOC_OBSTRUCTED"
    # Too few pixels silence a zone the reader was unsure of, never wrong digits it read alike twice.
    assert silenced_by("MRZ_CHECK_DIGIT_INVALID", review, ["IMAGE_TOO_SMALL"]) == "IMAGE_TOO_SMALL"
    assert silenced_by("MRZ_CHECK_DIGIT_INVALID", fail, ["IMAGE_TOO_SMALL"]) is None
    # The held card's variant of a capture rule names no root cause of the document's own photo.
    assert silenced_by("SELFIE_DOC_PHOTOCOPY", fail, ["IMAGE_TOO_DARK", "DOC_NOT_FOUND"]) is None
    assert silenced_by("DOC_PHOTOCOPY", fail, ["IMAGE_TOO_DARK"]) == "IMAGE_TOO_DARK"
    # A washed-out photo keeps the print's colour where it is not clipped: the copy is judged there too.
    assert silenced_by("DOC_PHOTOCOPY", fail, ["IMAGE_OVEREXPOSED"]) is None
    assert silenced_by("IMAGE_BLURRY", fail, ["IMAGE_OVEREXPOSED"]) == "IMAGE_OVEREXPOSED"


def test_no_check_is_its_own_root_cause_through_a_chain() -> None:
    # A cycle (A silences B, B silences A) would leave both "not judged" with nothing reported.
    def reaches(code: str, target: str, seen: set[str]) -> bool:
        for root in roots_of(code, Status.REVIEW):
            if root == target or (root not in seen and reaches(root, target, seen | {root})):
                return True
        return False

    assert [check.code for check in ALL_CHECKS if reaches(check.code, check.code, set())] == []


def _finding(code: str, status: Status, found: str | None = None) -> Finding:
    """A finding of the ID document; `found` is the status the check found when a policy changed it."""
    return Finding(
        code=code, status=status, document="id_document", message=f"{code} as measured", severity_override=found
    )


def test_a_finding_silenced_by_a_root_that_is_itself_silenced_quotes_the_root_that_stands() -> None:
    # A dark photo silences the photocopy measure, which silences the grain checks: those quote the dark photo.
    findings = [
        _finding("IMAGE_TOO_DARK", Status.FAIL),
        _finding("DOC_PHOTOCOPY", Status.FAIL),
        _finding("EDIT_PORTRAIT_PASTED", Status.REVIEW),
        _finding("DOCUMENT_EXPIRED", Status.FAIL),
    ]
    by_code = {f.code: f for f in root_causes_first(findings)}
    assert by_code["IMAGE_TOO_DARK"].status is Status.FAIL
    quoted = "Not judged because of IMAGE_TOO_DARK, which comes first: IMAGE_TOO_DARK as measured"
    for code in ("DOC_PHOTOCOPY", "EDIT_PORTRAIT_PASTED"):
        assert by_code[code].status is Status.PASS
        assert by_code[code].message == quoted, by_code[code]
    assert by_code["DOCUMENT_EXPIRED"].status is Status.FAIL  # names neither root


def test_a_policy_that_changes_a_status_does_not_change_whether_the_check_was_unsure() -> None:
    # MRZ_CHECK_DIGIT_INVALID's own fail stands beside IMAGE_TOO_SMALL even when a policy softens it to review;
    # its own review stays moot even when a policy hardens it to fail.
    small = _finding("IMAGE_TOO_SMALL", Status.FAIL)
    sure = _finding("MRZ_CHECK_DIGIT_INVALID", Status.REVIEW, found="fail")
    unsure = _finding("MRZ_CHECK_DIGIT_INVALID", Status.FAIL, found="review")
    assert root_causes_first([small, sure])[1].status is Status.REVIEW
    assert root_causes_first([small, unsure])[1].status is Status.PASS
