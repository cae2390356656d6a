"""Every finding says what it measured and the limit it used (issue #17 item 4): a compliance officer reading a
verdict, or an applicant reading a fix, sees the number behind a pass as well as a fail.

The whole registry runs on generated captures of every seeded defect, on a clean individual bundle (ID,
selfie, bill) and on a sample of the real corpus (skipped when ../shared is absent; tests/fixtures/
registry_runs). A finding whose `measured` or `threshold` is a number or a date must write it in its message
(tests/fixtures/message_values says how a number may be written); a label ('not_found', 'front only allowed')
is the category the message says in words.
"""

from __future__ import annotations

import pytest

from tests.fixtures.message_values import names_value, unnamed
from tests.fixtures.registry_runs import CORPUS, DEFECTS, clean_bundle_verdict, corpus_verdicts, generated_verdict
from workers.checks.model import CHECK_ERROR, BundleVerdict, Status


def _gaps(verdict: BundleVerdict) -> list[str]:
    assert not [f for f in verdict.findings if f.code == CHECK_ERROR], verdict.findings
    return [
        f"{f.code} {f.status.value} leaves out its {what} ({getattr(f, what)!r}): {f.message}"
        for f in verdict.findings
        for what in unnamed(f)
    ]


@pytest.mark.parametrize("defect", DEFECTS)
def test_findings_on_a_generated_capture_name_their_values(defect: str) -> None:
    assert _gaps(generated_verdict(defect)) == []


def test_findings_on_a_clean_bundle_name_their_values() -> None:
    verdict = clean_bundle_verdict()
    assert {f.status for f in verdict.findings} >= {Status.PASS}
    assert _gaps(verdict) == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS.resolve()}: nothing to run")
def test_findings_on_real_captures_name_their_values() -> None:
    assert [gap for _, verdict in corpus_verdicts() for gap in _gaps(verdict)] == []


@pytest.mark.parametrize(
    ("value", "message", "named"),
    [
        (0.0393, "The document covers 4% of the frame.", True),
        (0.0393, "The document covers 5% of the frame.", False),
        (147.123, "The face is sharp (sharpness 147.1, needs at least 35).", True),
        (35.0, "The face is sharp (sharpness 147.1).", False),
        (-57, "dated 57 days before the submission date", True),
        (0, "no bytes follow it", True),
        (0, "some bytes follow it", False),
        (5242880, "within the 5.0 MB (5,242,880 bytes) limit", True),
        ("2031-04-15", "it expires on 2031-04-15", True),
        ("2031-04-15", "it expires in 2031", False),
        ("not_found", "No document could be found", True),
    ],
)
def test_a_value_is_named_as_the_messages_write_it(value: object, message: str, named: bool) -> None:
    assert names_value(value, message) is named
