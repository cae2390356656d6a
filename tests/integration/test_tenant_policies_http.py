"""Tenant policies over real HTTP, Redis and a Celery worker: a tenant's own policy judges its batch and is
named with its hash in the verdict; another tenant naming it gets a 422 naming the policy field. And the
CLI's `preflight check --policy-file`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.stack import ROOT, running_stack
from workers.checks.policy.tenant import load_policy_file, resolve_policy

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


def test_cli_check_takes_a_local_policy_file_and_refuses_a_file_override(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    (folder / "cl1").mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest(good_bundle("CL-1", "cl1"))), encoding="utf-8")
    for name, data in good_files("cl1").items():
        (folder / name).write_bytes(data)
    mine = tmp_path / "mine.toml"
    mine.write_text(ACME_STRICT, encoding="utf-8")
    done = _preflight("check", str(folder), "--json", "--jobs", "1", "--policy-file", str(mine))
    [verdict] = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert verdict["policy"] == {"name": "mine", "sha256": load_policy_file(mine).sha256}
    [too_old] = [f for f in verdict["findings"] if f["code"] == "POA_TOO_OLD"]
    assert too_old["status"] == "review" and too_old["severity_override"] == "fail"

    mine.write_text(ACME_STRICT + 'FILE_CORRUPT = "off"\n', encoding="utf-8")
    refused = _preflight("check", str(folder), "--policy-file", str(mine))
    assert refused.returncode == 2 and refused.stdout == b""
    assert "FILE_CORRUPT" in refused.stderr.decode() and "never be turned off" in refused.stderr.decode()


def _preflight(*args: str) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "service.cli.main", *args]
    return subprocess.run(command, capture_output=True, cwd=ROOT, timeout=300, check=False)
