"""Calibration sweep for the identity checks on seeded generated documents, plus what every real corpus image
receives from the identity checks. Prints the tables quoted in docs/calibration/identity.md.

Run: /work/venv/bin/python bench/identity_calibration.py [--seeds 10]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.documents import (  # noqa: E402
    encode_jpeg,
    render_id_card,
    render_passport_page,
    td3_lines,
)
from tests.fixtures.identity_docs import (  # noqa: E402
    BILL_LABELS,
    perspective,
    random_person,
    render_authorization_letter,
    render_local_bill,
    render_mrz_page,
    rotate,
)
from workers.checks import identity  # noqa: E402
from workers.checks.engine import check_bundle  # noqa: E402
from workers.checks.identity import ocr  # noqa: E402
from workers.checks.manifest import AccountType, BundleSpec, DocumentSpec, Profile, Role  # noqa: E402
from workers.checks.model import BundleVerdict, Status  # noqa: E402
from workers.checks.policy import load_policy  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "corpus"
SUBMIT_ON = date(2026, 12, 1)


def run(role: Role, data: bytes, profile: Profile, kind: str | None = None) -> BundleVerdict:
    doc = DocumentSpec(role=role, file="f", type=kind)
    spec = BundleSpec(reference="cal", profile=profile, documents=[doc], account_type=AccountType.CORPORATE)
    return check_bundle(
        spec,
        {"f": data},
        submit_on=SUBMIT_ON,
        policy=load_policy("default"),
        document_checks=identity.DOCUMENT_CHECKS,
        bundle_checks=identity.BUNDLE_CHECKS,
    )


def status_of(verdict: BundleVerdict, code: str) -> Status | None:
    found = [f.status for f in verdict.findings if f.code == code]
    for status in (Status.FAIL, Status.REVIEW, Status.PASS):
        if status in found:
            return status
    return None


def rate(label: str, hits: int, total: int) -> None:
    print(f"  {label:58} {hits:3d}/{total:<3d} = {hits / max(total, 1):6.1%}")


def mrz_sweep(seeds: int) -> None:
    print("MRZ on generated documents (clean: must pass; one check digit changed: must fail)")
    views: list[tuple[str, Callable[[NDArray[np.uint8]], NDArray[np.uint8]]]] = [
        ("flat", lambda im: im),
        ("tilted 8 deg", lambda im: rotate(im, 8)),
        ("sideways", lambda im: rotate(im, 90)),
        ("perspective 0.25", lambda im: perspective(im, 0.25, seed=1)),
    ]
    clean_ok = total = defect_hit = defect_total = exact = 0
    for seed in range(seeds):
        person = random_person(100 + seed)
        _view_name, view = views[seed % len(views)]
        image = view(
            render_passport_page(person, seed=seed, width=1200)
            if seed % 2
            else render_id_card(person, seed=seed, width=1000)
        )
        profile = Profile(full_name=f"{person.given_names} {person.surname}")
        verdict = run(Role.ID_DOCUMENT, encode_jpeg(image), profile, "passport" if seed % 2 else "id_card")
        total += 1
        clean_ok += status_of(verdict, "MRZ_CHECK_DIGIT_INVALID") is Status.PASS
        exact += status_of(verdict, "NAME_MISMATCH") is Status.PASS
        lines = td3_lines(person)
        lines[1] = lines[1][:27] + str((int(lines[1][27]) + 1) % 10) + lines[1][28:]  # expiry digit
        bad = run(Role.ID_DOCUMENT, encode_jpeg(render_mrz_page(lines, seed=seed)), profile, "passport")
        defect_total += 1
        defect_hit += status_of(bad, "MRZ_CHECK_DIGIT_INVALID") is Status.FAIL
    rate("clean documents passing MRZ_CHECK_DIGIT_INVALID (views mixed)", clean_ok, total)
    rate("clean documents whose MRZ name matches the profile", exact, total)
    rate("changed expiry digit caught by MRZ_CHECK_DIGIT_INVALID", defect_hit, defect_total)


def poa_sweep(seeds: int) -> None:
    print("Proof of address: bill date read right (generated bills, all languages and formats)")
    forms = ["5 Oct 2026", "05/10/2026", "2026-10-05", "October 5, 2026", "5. Oktober 2026", "5 octobre 2026",
             "5 de octubre de 2026", "5 ottobre 2026"]  # fmt: skip
    languages = list(BILL_LABELS)
    right = total = 0
    for seed in range(seeds):
        printed, language = forms[seed % len(forms)], languages[seed % len(languages)]
        bill = render_local_bill("Jørgen Hansen", ("Søndergade 14", "8000 Aarhus C"), date_text=printed,
                                 language=language, seed=seed)  # fmt: skip
        verdict = run(Role.PROOF_OF_ADDRESS, encode_jpeg(bill), Profile(full_name="Jørgen Hansen", country="DK"))
        total += 1
        right += verdict.documents[0].fields.get("statement_date") == "2026-10-05"
    rate("statement date read as 2026-10-05", right, total)


def signature_sweep(seeds: int) -> None:
    print("Authorization letter signature (handwritten must pass; typed/pasted review; none fail)")
    profile = Profile(full_name="Jørgen Hansen", company_name="Nordlicht Energy ApS")
    expected = {
        "handwritten": Status.PASS,
        "typed": Status.REVIEW,
        "pasted": Status.REVIEW,
        "none": Status.FAIL,
    }
    for kind, want in expected.items():
        hits = 0
        for seed in range(seeds):
            letter = render_authorization_letter("Nordlicht Energy ApS", "Jørgen Hansen", signature=kind, seed=seed)
            hits += (
                status_of(run(Role.AUTHORIZATION_LETTER, encode_jpeg(letter), profile), "AUTH_SIGNATURE_MISSING")
                is want
            )
        rate(f"{kind} -> {want.value}", hits, seeds)


def corpus_table() -> None:
    print("Real corpus: identity findings per image (as id_document, type from the MRZ; profile name empty)")
    if not CORPUS.exists():
        print("  corpus not found; skipped")
        return
    codes = ("MRZ_UNREADABLE", "MRZ_CHECK_DIGIT_INVALID", "DOCUMENT_TYPE_NOT_ACCEPTED")
    for path in sorted(p for p in CORPUS.glob("*/*") if p.suffix.lower() in {".jpg", ".png"}):
        verdict = run(Role.ID_DOCUMENT, path.read_bytes(), Profile(full_name="-"))
        parts = []
        for code in codes:
            finding = next((f for f in verdict.findings if f.code == code), None)
            if finding is not None:
                parts.append(f"{code}={finding.status.value}")
        invalid = next(
            (f.message for f in verdict.findings if f.code == "MRZ_CHECK_DIGIT_INVALID" and f.status is Status.FAIL),
            "",
        )
        fields = verdict.documents[0].fields
        print(f"  {path.parent.name}/{path.name:34} {' '.join(parts)} expiry={fields.get('expiry_date', '-')}"
              + (f"  [{invalid.split(': ')[-1]}]" if invalid else ""))  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    ocr.engine()
    start = time.perf_counter()
    mrz_sweep(args.seeds)
    poa_sweep(args.seeds)
    signature_sweep(args.seeds)
    corpus_table()
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
