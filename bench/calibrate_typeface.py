"""Calibration of EDIT_FIELD_TYPEFACE: a personal field retyped in an oblique face, on generated documents
and on the real corpus.

Generated: for each seed, a clean card and passport and the same with the given names retyped in an oblique
face (tests/fixtures/retyped.py); prints detection and false-flag rates and the measured slant differences.
Corpus: every identity document of ../shared/corpus with a profile taken from its ground truth (the MRZ
transcription in MANIFEST.tsv; the SIDTD cards from their JSON annotations), printing what the check says.
Run: /work/venv/bin/python bench/calibrate_typeface.py [SEEDS]
"""

from __future__ import annotations

import csv
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.holders import SIDTD_PROFILES  # noqa: E402
from tests.fixtures.edits import check_sample, clean  # noqa: E402
from tests.fixtures.retyped import retyped_name  # noqa: E402
from workers.checks.authenticity.check_typeface import EDIT_FIELD_TYPEFACE  # noqa: E402
from workers.checks.engine import check_bundle  # noqa: E402
from workers.checks.manifest import BundleSpec, DocumentSpec, Profile, Role  # noqa: E402
from workers.checks.model import Finding  # noqa: E402
from workers.checks.policy import load_policy  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "corpus"


def _finding(findings: list[Finding]) -> Finding | None:
    return next((f for f in findings if f.code == EDIT_FIELD_TYPEFACE.code), None)


def _yymmdd(text: str) -> str | None:
    year, month, day = int(text[:2]), int(text[2:4]), int(text[4:6])
    year += 1900 if year > 30 else 2000
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _mrz_profile(kind: str, lines: list[str]) -> tuple[str, str | None]:
    """(full name, date of birth) from an MRZ transcription (TD1: names on line 3, birth on line 2)."""
    if kind.startswith("TD1"):
        names, birth = lines[2], _yymmdd(lines[1][:6])
    elif kind.startswith("French"):
        names, birth = lines[0][5:30] + "<<" + lines[1][13:27], _yymmdd(lines[1][27:33])
    else:
        names, birth = lines[0][5:], _yymmdd(lines[1][13:19])
    parts = [p.replace("<", " ").strip() for p in names.split("<<") if p.replace("<", "").strip()]
    return " ".join(parts[1:] + parts[:1]), birth


def corpus_cases() -> list[tuple[Path, str, str | None]]:
    cases: list[tuple[Path, str, str | None]] = [
        (CORPUS / "sidtd" / name, full, birth) for name, (full, birth) in SIDTD_PROFILES.items()
    ]
    for folder in ("passporteye", "mrz_detection_imagejs", "docsaid_midv2020"):
        with (CORPUS / folder / "MANIFEST.tsv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                found = re.search(r"MRZ\[([^\]]+)\]: (.*?) \(", row["ground_truth"])
                if found:
                    lines = [line.strip() for line in found.group(2).split(" / ")]
                    cases.append((CORPUS / folder / row["file"], *_mrz_profile(found.group(1), lines)))
    return cases


def run_corpus(path: Path, full_name: str, birth: str | None) -> Finding | None:
    spec = BundleSpec(
        reference="CAL",
        profile=Profile(full_name=full_name, date_of_birth=birth),
        documents=[DocumentSpec(role=Role.ID_DOCUMENT, file=path.name)],
    )
    verdict = check_bundle(
        spec,
        {path.name: path.read_bytes()},
        submit_on=date(2026, 12, 1),
        policy=load_policy("default"),
        document_checks=[EDIT_FIELD_TYPEFACE],
        bundle_checks=[],
        readers=[],
    )
    return _finding(verdict.findings)


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rows: dict[str, list[Finding | None]] = {"clean": [], "retyped_name": []}
    for seed in range(seeds):
        for kind in ("card", "passport"):
            for sample in (clean(kind, seed), retyped_name(kind, seed)):
                rows[sample.edit].append(_finding(check_sample(sample, read_print=True)))
    for edit, found in rows.items():
        flagged = [f for f in found if f is not None and f.status != "pass"]
        measured = sorted(float(f.measured) for f in found if f is not None and f.measured is not None)
        judged = sum(f is not None for f in found)
        print(
            f"{edit}: flagged {len(flagged)}/{len(found)} (judged {judged}); "
            f"slant differences {measured[0] if measured else '-'}-{measured[-1] if measured else '-'}"
        )
    if not CORPUS.is_dir():
        print(f"(corpus not found at {CORPUS})")
        return
    print("\n| image | EDIT_FIELD_TYPEFACE |\n|---|---|")
    for path, full_name, birth in corpus_cases():
        finding = run_corpus(path, full_name, birth)
        said = (
            "not judged (fewer than 3 fields read reliably)"
            if finding is None
            else f"{finding.status} {finding.measured}"
        )
        print(f"| {path.name} | {said} |")


if __name__ == "__main__":
    main()
