"""Tenant policies (issue 19 item 3): resolution, hashing, the [severity] table and its FILE_* rule, and the
overrides applied to a real verdict on a generated bill (real OCR)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.fixtures.documents import encode_jpeg
from tests.fixtures.engine_runs import SUBMIT_ON, crashed_checks, run_engine
from tests.fixtures.identity_docs import render_local_bill
from workers.checks import bundle, identity
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role
from workers.checks.model import BundleVerdict, Finding, Status, Verdict, overall
from workers.checks.policy import Policy, PolicyFileError, UnknownPolicyError, load_policy
from workers.checks.policy.tenant import load_policy_file, resolve_policy

PROFILE = Profile(full_name="Jørgen Hansen", address="Søndergade 14, 8000 Aarhus C", country="DK")
ADDRESS = ("Søndergade 14", "8000 Aarhus C")
# 70 days: inside the default policy's 90-day bill age, outside a 60-day tenant policy.
BILL_AGE_DAYS = 70


def install(root: Path, tenant: str, name: str, text: str) -> Path:
    folder = root / tenant
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


STRICT_BILLS = 'extends = "default"\nversion = "acme-1"\n\n[rules]\nbill_max_age_days = 60\n'


def test_tenant_policy_extends_a_shipped_one_and_is_found_first(tmp_path: Path) -> None:
    install(tmp_path, "acme", "strict", STRICT_BILLS)
    policy = resolve_policy("strict", "acme", tmp_path)
    default = load_policy("default")
    assert (policy.name, policy.version, policy.bill_max_age_days) == ("strict", "acme-1", 60)
    # Everything else comes from the shipped base.
    assert policy.expiry_margin_days == default.expiry_margin_days
    assert policy.accepted_document_types == default.accepted_document_types
    assert len(policy.sha256) == 64 and policy.sha256 != default.sha256
    # Shipped policies stay reachable; a tenant's own file of the same name wins over the shipped one.
    assert resolve_policy("both_sides", "acme", tmp_path) == load_policy("both_sides")
    install(tmp_path, "acme", "default", STRICT_BILLS)
    own_default = resolve_policy("default", "acme", tmp_path)
    assert own_default.bill_max_age_days == 60 and own_default.sha256 != default.sha256


def test_another_tenants_policy_is_unknown(tmp_path: Path) -> None:
    install(tmp_path, "acme", "strict", STRICT_BILLS)
    with pytest.raises(UnknownPolicyError, match="strict"):
        resolve_policy("strict", "globex", tmp_path)
    with pytest.raises(UnknownPolicyError):
        resolve_policy("../acme/strict", "globex", tmp_path)  # a name never reaches outside the tenant folder
    with pytest.raises(UnknownPolicyError):
        resolve_policy("strict", None, tmp_path)


def test_hash_changes_when_the_file_changes(tmp_path: Path) -> None:
    path = install(tmp_path, "acme", "strict", STRICT_BILLS)
    before = resolve_policy("strict", "acme", tmp_path).sha256
    assert resolve_policy("strict", "acme", tmp_path).sha256 == before  # stable for the same bytes
    path.write_text(STRICT_BILLS.replace("60", "61"), encoding="utf-8")
    after = resolve_policy("strict", "acme", tmp_path)
    assert after.bill_max_age_days == 61 and after.sha256 != before


@pytest.mark.parametrize(
    ("table", "refused"),
    [
        ('NOT_A_CODE = "off"', "NOT_A_CODE: unknown check code"),
        ('FILE_CORRUPT = "off"', "FILE_CORRUPT = 'off': a FILE_\\* safety finding can never be turned off"),
        ('FILE_SCREENSHOT_SUSPECTED = "review"', "FILE_SCREENSHOT_SUSPECTED = 'review'"),
        ('POA_TOO_OLD = "ignore"', "'ignore' is not one of fail, review, off"),
    ],
)
def test_severity_table_is_checked_when_loaded(tmp_path: Path, table: str, refused: str) -> None:
    install(tmp_path, "acme", "bad", f'extends = "default"\nversion = "x"\n\n[severity]\n{table}\n')
    with pytest.raises(PolicyFileError, match=refused):
        resolve_policy("bad", "acme", tmp_path)


def test_retired_code_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workers.checks import retired

    monkeypatch.setitem(retired.RETIRED, "POA_TOO_OLD", "2026-12-05: a test pretends it was retired.")
    install(tmp_path, "acme", "old", 'extends = "default"\nversion = "x"\n\n[severity]\nPOA_TOO_OLD = "review"\n')
    with pytest.raises(PolicyFileError, match="POA_TOO_OLD: the code is retired"):
        resolve_policy("old", "acme", tmp_path)


def test_a_file_finding_may_be_made_fail_and_a_local_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('extends = "default"\nversion = "x"\n\n[severity]\nFILE_SCREENSHOT_SUSPECTED = "fail"\n')
    policy = load_policy_file(path)
    assert policy.name == "mine" and policy.severity == {"FILE_SCREENSHOT_SUSPECTED": "fail"}


@pytest.fixture(scope="module")
def bill_70_days_old() -> bytes:
    printed = (SUBMIT_ON - timedelta(days=BILL_AGE_DAYS)).strftime("%B %-d, %Y")
    return encode_jpeg(render_local_bill("Jørgen Hansen", ADDRESS, date_text=printed, language="en"))


def judge(image: bytes, policy: Policy) -> BundleVerdict:
    doc = DocumentSpec(role=Role.PROOF_OF_ADDRESS, file="bill.jpg", type="utility_bill")
    spec = BundleSpec(reference="T-1", profile=PROFILE, documents=[doc])
    verdict = run_engine(
        spec,
        {"bill.jpg": image},
        policy=policy,
        document_checks=[*identity.DOCUMENT_CHECKS, *bundle.DOCUMENT_CHECKS],
        bundle_checks=[*identity.BUNDLE_CHECKS, *bundle.BUNDLE_CHECKS],
    )
    assert not crashed_checks(verdict)  # an absent code must mean "dropped by policy", never "crashed"
    assert (verdict.verdict, verdict.summary) == overall(verdict.findings)  # the verdict follows the findings
    assert (verdict.policy.name, verdict.policy.sha256) == (policy.name, policy.sha256)
    return verdict


def poa_too_old(verdict: BundleVerdict) -> list[Finding]:
    return [f for f in verdict.findings if f.code == "POA_TOO_OLD"]


def test_bill_age_and_severity_follow_the_tenant_policy(tmp_path: Path, bill_70_days_old: bytes) -> None:
    default = judge(bill_70_days_old, load_policy("default"))
    [found] = poa_too_old(default)
    assert found.status is Status.PASS and found.measured == BILL_AGE_DAYS and found.threshold == 90

    # This bundle holds a bill only: the tenant makes the missing roles a review, so the bill decides.
    roles_review = '[severity]\nBUNDLE_ROLE_MISSING = "review"\n'
    install(tmp_path, "acme", "strict", STRICT_BILLS + roles_review)
    strict = judge(bill_70_days_old, resolve_policy("strict", "acme", tmp_path))
    [found] = poa_too_old(strict)
    assert found.status is Status.FAIL and found.severity_override is None
    assert "at most 60 days old" in found.message and "within the last 60 days" in (found.remediation or "")
    missing = [f for f in strict.findings if f.code == "BUNDLE_ROLE_MISSING"]
    assert missing and all(f.status is Status.REVIEW and f.severity_override == "fail" for f in missing)
    assert strict.summary.fail == 1 and strict.verdict is Verdict.FIX_REQUIRED

    install(tmp_path, "acme", "soft", STRICT_BILLS + roles_review + 'POA_TOO_OLD = "review"\n')
    soft = judge(bill_70_days_old, resolve_policy("soft", "acme", tmp_path))
    [found] = poa_too_old(soft)
    assert found.status is Status.REVIEW and found.severity_override == "fail"
    assert "Policy 'soft' sets POA_TOO_OLD to review" in found.message
    assert soft.summary.fail == 0 and soft.verdict is Verdict.REVIEW

    install(tmp_path, "acme", "quiet", STRICT_BILLS + roles_review + 'POA_TOO_OLD = "off"\n')
    quiet = judge(bill_70_days_old, resolve_policy("quiet", "acme", tmp_path))
    assert poa_too_old(quiet) == []
    assert quiet.summary.fail == 0 and quiet.summary.review == soft.summary.review - 1
    assert quiet.verdict is Verdict.REVIEW
    # A pass stays a pass: "off" and "review" do not touch the default policy's passing finding.
    install(tmp_path, "acme", "lenient", 'extends = "default"\nversion = "x"\n[severity]\nPOA_TOO_OLD = "off"\n')
    [kept] = poa_too_old(judge(bill_70_days_old, resolve_policy("lenient", "acme", tmp_path)))
    assert kept.status is Status.PASS


def test_the_job_carries_the_resolved_policy_to_the_worker(tmp_path: Path) -> None:
    import msgspec

    from workers.checks.engine import error_verdict
    from workers.store import BundleJob

    path = install(tmp_path, "acme", "soft", STRICT_BILLS + '\n[severity]\nPOA_TOO_OLD = "review"\n')
    policy = resolve_policy("soft", "acme", tmp_path)
    spec = BundleSpec(reference="J-1", profile=PROFILE, documents=[])
    job = BundleJob("J-1", spec, SUBMIT_ON.isoformat(), "soft", [], "b_1", policy.sha256, policy.raw)
    path.unlink()  # the worker never reads the tenant's folder: the file may be gone by then
    received = msgspec.json.decode(msgspec.json.encode(job), type=BundleJob)
    rebuilt = received.resolved_policy()
    assert (rebuilt.name, rebuilt.sha256, rebuilt.bill_max_age_days) == ("soft", policy.sha256, 60)
    assert rebuilt.severity == {"POA_TOO_OLD": "review"}
    # An error verdict names the same policy and hash.
    assert error_verdict(spec, "b_1", received.named_policy(), "test").policy.sha256 == policy.sha256
    # A job queued before tenant policies (no hash) loads the shipped policy it names.
    old = BundleJob("J-2", spec, SUBMIT_ON.isoformat(), "both_sides", [], "b_1")
    assert old.resolved_policy() == load_policy("both_sides")
