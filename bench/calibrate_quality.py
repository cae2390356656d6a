"""Calibration of the capture-quality checks on the seeded degradation set and the real corpus.

For each check: detection rate on scenes carrying its defect, false-flag rate on clean scenes, the range of
the measured values on both sides of the threshold. Then what every real corpus image receives.
Run: python -m bench.calibrate_quality [--clean N] [--defective N]   (prints Markdown tables)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from tests.fixtures.degrade import CHECK_OF_DEFECT, document_context, scene
from workers.checks.context import DocumentContext
from workers.checks.manifest import Role
from workers.checks.model import Outcome, Status
from workers.checks.quality import CHECKS
from workers.checks.spec import DocumentCheck

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"

# check code -> the generator defect it must catch
DEFECT_OF = {code: defect for defect, code in CHECK_OF_DEFECT.items()}
DOCUMENT_CHECKS = {c.code: c for c in CHECKS if not c.code.startswith("SELFIE_")}
# Table rows: (check, label of the defect, the generator's defect, its options). Close-ups cut by the frame
# (the visible part covering 0.6-0.9 of the photo) are read like flat scans filling the frame unless the
# outline search tells the table around them.
ROWS: list[tuple[str, str, str, dict[str, Any]]] = [(code, defect, defect, {}) for code, defect in DEFECT_OF.items()]
ROWS.insert(2, ("DOC_CORNERS_CUT", "cut close-up", "cut", {"cut_area": (0.6, 0.9)}))


def context(data: bytes, role: Role) -> DocumentContext:
    return document_context(data, role)


def run(check: DocumentCheck, ctx: DocumentContext) -> Outcome | None:
    result = check.evaluate(ctx)
    if result is None or isinstance(result, Outcome):
        return result
    outcomes = list(result)
    return outcomes[0] if outcomes else None


def flagged(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.status is not Status.PASS


def role_for(kind: str) -> Role:
    return Role.PROOF_OF_ADDRESS if kind == "bill" else Role.ID_DOCUMENT


def applies(check: DocumentCheck, role: Role) -> bool:
    return role in check.roles


def calibrate(n_clean: int, n_defective: int) -> None:
    clean = []
    for seed in range(n_clean):
        s = scene("none", seed=1000 + seed)
        clean.append((s, context(s.jpeg(), role_for(s.kind))))
    print("| check | defect | detected | false flags on clean | clean measured | defective measured | limit |")
    print("|---|---|---|---|---|---|---|")
    for code, label, defect, options in ROWS:
        check = DOCUMENT_CHECKS[code]
        hits, total, clean_values, defect_values = 0, 0, [], []
        for seed in range(n_defective):
            s = scene(defect, seed=seed, **options)
            ctx = context(s.jpeg(), role_for(s.kind))
            if not applies(check, ctx.role):
                continue
            out = run(check, ctx)
            total += 1
            hits += flagged(out)
            if out is not None and isinstance(out.measured, float):
                defect_values.append(out.measured)
        false, clean_total = 0, 0
        for s, ctx in clean:
            if not applies(check, ctx.role) or (code == "BACKGROUND_BUSY" and "cluttered" in s.labels):
                continue
            out = run(check, ctx)
            clean_total += 1
            false += flagged(out)
            if out is not None and isinstance(out.measured, float):
                clean_values.append(out.measured)
        limit = next((o.threshold for _, c in clean[:1] if (o := run(check, c)) is not None), "-")

        def span(values: list[float]) -> str:
            return f"{min(values):.3g} - {max(values):.3g}" if values else "-"

        print(
            f"| {code} | {label} | {hits}/{total} ({hits / max(total, 1):.0%}) | "
            f"{false}/{clean_total} ({false / max(clean_total, 1):.1%}) | {span(clean_values)} | "
            f"{span(defect_values)} | {limit} |"
        )


def corpus_table() -> None:
    if not CORPUS.is_dir():
        print(f"(corpus not found at {CORPUS}: skipped)")
        return
    print("\n| image | role | outline | findings (fail / review) |")
    print("|---|---|---|---|")
    for path in sorted(CORPUS.glob("*/*")):
        if path.suffix.lower() not in (".jpg", ".png"):
            continue
        ctx = context(path.read_bytes(), Role.ID_DOCUMENT)
        if not ctx.capture.decodes:  # a BMP named .jpg (Regula): the engine stops at the file checks too
            print(f"| {path.parent.name}/{path.name} | id_document | not decoded ({ctx.capture.problem}) | - |")
            continue
        outcomes = [(c.code, run(c, ctx)) for c in DOCUMENT_CHECKS.values()]
        bad = [f"{code} ({o.measured})" for code, o in outcomes if flagged(o) and o is not None]
        found = run(DOCUMENT_CHECKS["DOC_NOT_FOUND"], ctx)
        where = found.message.split("; it ")[-1].rstrip(".") if found and not flagged(found) else "not found"
        print(f"| {path.parent.name}/{path.name} | id_document | {where} | {', '.join(bad) or 'none'} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clean", type=int, default=60)
    parser.add_argument("--defective", type=int, default=30)
    args = parser.parse_args()
    start = time.perf_counter()
    calibrate(args.clean, args.defective)
    corpus_table()
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
