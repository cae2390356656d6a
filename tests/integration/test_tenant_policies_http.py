"""Tenant policies over real HTTP, Redis and a Celery worker: a tenant's own policy judges its batch and is
named with its hash in the verdict; another tenant naming it gets a 422 naming the policy field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.stack import running_stack
from workers.checks.policy.tenant import resolve_policy

pytestmark = pytest.mark.integration

# good_bundle's bill is declared 2026-10-05, 57 days before the submission date: inside the default 90 days,
# outside this tenant's 30; and the tenant makes an old bill a review, not a fail.
ACME_STRICT = """extends = "default"
version = "acme-2026-12"

[rules]
bill_max_age_days = 30

[severity]
POA_TOO_OLD = "review"
"""


def test_a_tenant_policy_judges_its_batch_and_is_unknown_to_other_tenants(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    (policies / "acme").mkdir(parents=True)
    (policies / "acme" / "strict.toml").write_text(ACME_STRICT, encoding="utf-8")
    expected = resolve_policy("strict", "acme", policies)
    doc = {**manifest(good_bundle("TP-1", "tp1")), "policy": "strict"}
    files = good_files("tp1")
    env = {"PREFLIGHT_TENANT_POLICY_DIR": str(policies)}
    (tmp_path / "stack").mkdir()
    with running_stack(tmp_path / "stack", workers=1, extra_env=env) as stack:
        with stack.client("globex") as globex:
            refused = post_batch(globex, doc, files)
            assert refused.status_code == 422, refused.text
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.json()["field"] == "$.policy" and "strict" in refused.json()["detail"]
        assert stack.queued() == 0 and list(stack.redis.scan_iter(match="kyc:batch:*")) == []

        with stack.client("acme") as acme:
            answer = post_batch(acme, doc, files)
            assert answer.status_code == 202, answer.text
            batch_id = answer.json()["batch_id"]
            stack.wait_done(batch_id)
            verdict = acme.get(f"/v1/batches/{batch_id}/bundles/TP-1").json()
    assert verdict["policy"] == {"name": "strict", "sha256": expected.sha256}
    [too_old] = [f for f in verdict["findings"] if f["code"] == "POA_TOO_OLD"]
    assert too_old["status"] == "review" and too_old["severity_override"] == "fail", too_old
    assert too_old["threshold"] == 30 and "at most 30 days old" in too_old["message"]
    assert not [f for f in verdict["findings"] if f["code"] == "CHECK_ERROR"]
