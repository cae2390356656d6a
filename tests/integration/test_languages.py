"""Fixes in the applicant's language, over real HTTP with a real worker: the bundle's `language` from the
manifest, `?lang=` and Accept-Language choose the language of every finding's fix; messages stay in English; a
language we do not have is refused naming the field."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.integration.payload import good_bundle, good_files, manifest, post_batch
from tests.integration.stack import Stack
from workers.checks.i18n.translate import table


def _without_bill(reference: str, language: str | None) -> dict[str, Any]:
    bundle = good_bundle(reference, "lang")
    bundle["documents"] = [d for d in bundle["documents"] if d["role"] != "proof_of_address"]
    if language:
        bundle["language"] = language
    return bundle


def _missing_role(verdict: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in verdict["findings"] if f["code"] == "BUNDLE_ROLE_MISSING")
    return found


def _get(client: httpx.Client, path: str, **kwargs: Any) -> dict[str, Any]:
    answer = client.get(path, **kwargs)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_fixes_come_in_the_language_asked_for(stack: Stack) -> None:
    files = {k: v for k, v in good_files("lang").items() if not k.endswith("bill.jpg")}
    doc = manifest(_without_bill("LANG-JA", "ja-JP"), _without_bill("LANG-NONE", None))
    with stack.client() as client:
        answer = post_batch(client, doc, files)
        assert answer.status_code == 202, answer.text
        batch_id = answer.json()["batch_id"]
        stack.wait_done(batch_id)
        base = f"/v1/batches/{batch_id}/bundles"
        own = _get(client, f"{base}/LANG-JA")
        english = _get(client, f"{base}/LANG-JA", params={"lang": "en"})
        german = _get(client, f"{base}/LANG-JA", params={"lang": "de"}, headers={"Accept-Language": "fr"})
        own_over_header = _get(client, f"{base}/LANG-JA", headers={"Accept-Language": "fr"})
        by_header = _get(client, f"{base}/LANG-NONE", headers={"Accept-Language": "da, pt-BR;q=0.8, en;q=0.5"})
        plain = _get(client, f"{base}/LANG-NONE")
        refused = client.get(f"{base}/LANG-JA", params={"lang": "klingon"})
        lines = client.get(f"/v1/batches/{batch_id}/verdicts", params={"format": "ndjson", "lang": "ko"}).text
    fix_en = _missing_role(english)["remediation"]
    assert (own["language"], own["applicant_language"], english["language"]) == ("ja", "ja", "en")
    assert _missing_role(own)["remediation"] == table("ja")[fix_en]  # the bundle's own language
    assert _missing_role(german)["remediation"] == table("de")[fix_en]  # ?lang= wins over everything
    assert own_over_header["language"] == "ja"  # the bundle's language wins over the reader's header
    assert by_header["language"] == "pt" and _missing_role(by_header)["remediation"] == table("pt")[fix_en]
    assert plain["language"] == "en" and _missing_role(plain)["remediation"] == fix_en
    # The message is for the compliance officer: English whatever the language of the fixes.
    assert _missing_role(own)["message"] == _missing_role(english)["message"]
    assert refused.status_code == 400 and refused.json()["field"] == "lang"
    exported = [json.loads(line) for line in lines.splitlines()]
    assert {v["language"] for v in exported} == {"ko"}
    assert {_missing_role(v)["remediation"] for v in exported} == {table("ko")[fix_en]}


def test_a_manifest_language_we_do_not_have_is_refused(stack: Stack) -> None:
    with stack.client() as client:
        answer = post_batch(client, manifest(_without_bill("LANG-X", "tlh")), {})
    assert answer.status_code == 422 and answer.json()["field"] == "$.bundles[0].language", answer.text
