"""Where a bundle's time goes: per domain and per check, in milliseconds and as a ratio to the decode of the
bundle's own images measured in the same run (issue #18).

Bundles:
- standard: bench/service_overhead.py's bundle (ID photo 3000 px wide, selfie 1380x1800, bill 2480 px wide,
  JPEG with sensor-like noise);
- corporate: an ID card, a business registration extract and an authorization letter (A4 pages 2480 px wide,
  tests/fixtures/identity_docs.py), account type corporate;
- real: images of ../shared/corpus as one-document ID bundles, as bench/realworld.py runs them (an evenly spaced
  sample of `--real N`, half the runs each; left out with a message when ../shared is absent).

Method: everything runs in this one process, held to one compute thread (workers.checks.threads: the pool of
processes is the parallelism), after one warm-up run of each bundle (imports, OCR and face models loaded, as a
worker process has them after its first bundle). Each of `--runs` runs times the decode of the bundle's images
(a fresh Capture per image, its pixels read once) and then the engine, every reader and check wrapped in a
timer. Figures are medians over the runs. A check's time includes the shared facts it is first to need (cached
on the Capture for the checks after it: the outline, the MRZ reading, the face scene), so per check read "what
this check costs when the checks before it have run".

Targets (issue #18): standard bundle ratio <= 8, no check on it above 250 ms, the MRZ read <= 150 ms.
Run: .venv/bin/python -m bench.bundle_cost [--runs 5] [--real 12] [--top 12]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import numpy as np

from workers.checks.threads import use_one_thread

use_one_thread()  # before the engine's imports start OpenCV's and BLAS's pools

from bench.service_overhead import _photo_like  # noqa: E402  (the standard bundle's JPEGs, not duplicated)
from tests.fixtures.documents import astronaut_portrait, render_bill, render_id_card  # noqa: E402
from tests.fixtures.identity_docs import render_authorization_letter, render_registration  # noqa: E402
from tests.integration.payload import good_bundle  # noqa: E402
from workers.checks.capture import Capture  # noqa: E402
from workers.checks.engine import check_bundle  # noqa: E402
from workers.checks.manifest import AccountType, BundleSpec, DocumentSpec, Profile, Role, parse_manifest  # noqa: E402
from workers.checks.policy import load_policy  # noqa: E402
from workers.checks.registry import BUNDLE_CHECKS, DOCUMENT_CHECKS, DOMAIN_OF, READERS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus"
SUBMIT_ON = date(2026, 12, 1)
# Issue #18's targets for the standard bundle.
TARGET_RATIO = 8.0
TARGET_CHECK_MS = 250.0
TARGET_MRZ_MS = 150.0
MRZ_READER = "MRZ_READER"


# Each code's domain (the registry's, as the worker's metrics label it), the readers apart: they are most of the cost.
DOMAIN: dict[str, str] = {**DOMAIN_OF, **{reader.name: "identity (readers)" for reader in READERS}}

T = TypeVar("T")


@dataclass(frozen=True)
class Bundle:
    name: str
    spec: BundleSpec
    files: Mapping[str, bytes]


@dataclass
class Timer:
    """Seconds spent per code (summed over a bundle's documents) in the current run."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def wrap(self, code: str, call: Callable[..., T]) -> Callable[..., T]:
        def timed(*args: object) -> T:
            start = time.perf_counter()
            try:
                return call(*args)
            finally:
                self.seconds[code] += time.perf_counter() - start

        return timed


@dataclass(frozen=True)
class Cost:
    bundle: str
    images: int
    decode_ms: float
    engine_ms: float
    per_code_ms: dict[str, float]

    @property
    def ratio(self) -> float:
        return self.engine_ms / self.decode_ms if self.decode_ms else float("nan")

    def per_domain_ms(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for code, ms in self.per_code_ms.items():
            out[DOMAIN.get(code, "other")] += ms
        return dict(out)


def standard_bundle() -> Bundle:
    """bench/service_overhead.py's standard bundle (3 MB: 60 % ID photo, 20 % selfie, 20 % bill)."""
    mb = 3 * 2**20
    data = {
        "s/id.jpg": _photo_like(render_id_card(width=3000), 1, int(0.6 * mb)),
        "s/selfie.jpg": _photo_like(np.kron(astronaut_portrait(), np.ones((6, 6, 1), np.uint8)), 2, int(0.2 * mb)),
        "s/bill.jpg": _photo_like(render_bill(width=2480), 3, int(0.2 * mb)),
    }
    spec = parse_manifest(json.dumps({"bundles": [good_bundle("STANDARD", "s")]}).encode()).bundles[0]
    return Bundle("standard", spec, data)


def corporate_bundle() -> Bundle:
    company, person = "Nordlicht Energy ApS", "Jorgen Hansen"
    data = {
        "c/id.jpg": _photo_like(render_id_card(width=3000), 4, 2 * 2**20),
        "c/registration.jpg": _photo_like(
            render_registration(company.upper(), "DK 39124471", issued="12 March 2026", width=2480), 5, 2**20
        ),
        "c/letter.jpg": _photo_like(render_authorization_letter(company, person, width=2480), 6, 2**20),
    }
    spec = BundleSpec(
        reference="CORPORATE",
        profile=Profile(full_name=person, company_name=company, registration_number="DK-3912 4471", country="DK"),
        documents=[
            DocumentSpec(role=Role.ID_DOCUMENT, file="c/id.jpg", type="id_card"),
            DocumentSpec(role=Role.BUSINESS_REGISTRATION, file="c/registration.jpg"),
            DocumentSpec(role=Role.AUTHORIZATION_LETTER, file="c/letter.jpg"),
        ],
        account_type=AccountType.CORPORATE,
    )
    return Bundle("corporate", spec, data)


def real_bundles(count: int) -> list[Bundle]:
    """An evenly spaced sample of `count` corpus images, each a one-document ID bundle (bench/realworld.py)."""
    if count <= 0 or not CORPUS.is_dir():
        if count > 0:
            print(f"{CORPUS} not found: the real corpus bundles are left out", file=sys.stderr)
        return []
    from bench.realworld_engine import PROFILE, load_labels

    labels = load_labels()
    picked = [labels[round(i * (len(labels) - 1) / max(1, count - 1))] for i in range(min(count, len(labels)))]
    out = []
    for label in dict.fromkeys(picked):
        path = CORPUS / label.file
        spec = BundleSpec(
            reference="real",
            profile=PROFILE,
            documents=[DocumentSpec(role=Role.ID_DOCUMENT, file=path.name, type=label.doc_type)],
        )
        out.append(Bundle(f"real:{label.file}", spec, {path.name: path.read_bytes()}))
    return out


def _decode_ms(data: Mapping[str, bytes]) -> float:
    """The Capture's decode of every image (what any pixel check needs first), fresh Captures."""
    start = time.perf_counter()
    for name, content in data.items():
        capture = Capture(data=content, filename=name)
        if capture.decodes:
            _ = capture.rgb
    return (time.perf_counter() - start) * 1000


def _timed_engine(item: Bundle, timer: Timer) -> float:
    readers = [dataclasses.replace(r, read=timer.wrap(r.name, r.read)) for r in READERS]
    doc_checks = [dataclasses.replace(c, evaluate=timer.wrap(c.code, c.evaluate)) for c in DOCUMENT_CHECKS]
    bundle_checks = [dataclasses.replace(c, evaluate=timer.wrap(c.code, c.evaluate)) for c in BUNDLE_CHECKS]
    start = time.perf_counter()
    check_bundle(
        item.spec,
        item.files,
        submit_on=SUBMIT_ON,
        policy=load_policy("default"),
        readers=readers,
        document_checks=doc_checks,
        bundle_checks=bundle_checks,
    )
    return (time.perf_counter() - start) * 1000


def measure(item: Bundle, runs: int) -> Cost:
    _timed_engine(item, Timer())  # warm-up: models loaded, code paths compiled
    decodes, engines, per_code = [], [], defaultdict(list)
    for _ in range(runs):
        decodes.append(_decode_ms(item.files))
        timer = Timer()
        engines.append(_timed_engine(item, timer))
        for code, seconds in timer.seconds.items():
            per_code[code].append(seconds * 1000)
    images = sum(Capture(data=d, filename=n).decodes for n, d in item.files.items())
    return Cost(
        bundle=item.name,
        images=images,
        decode_ms=statistics.median(decodes),
        engine_ms=statistics.median(engines),
        per_code_ms={code: statistics.median(values) for code, values in per_code.items()},
    )


def _bundle_section(cost: Cost, top: int) -> str:
    lines = [
        f"## {cost.bundle}",
        "",
        f"engine {cost.engine_ms:.0f} ms, decode of its {cost.images} images {cost.decode_ms:.0f} ms: "
        f"ratio {cost.ratio:.1f}",
        "",
        "| domain | ms | ratio to decode |",
        "|---|---|---|",
    ]
    for domain, ms in sorted(cost.per_domain_ms().items(), key=lambda kv: -kv[1]):
        lines.append(f"| {domain} | {ms:.0f} | {ms / cost.decode_ms:.2f} |")
    lines += ["", f"| check (top {top}) | domain | ms | ratio to decode |", "|---|---|---|---|"]
    for code, ms in sorted(cost.per_code_ms.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"| {code} | {DOMAIN.get(code, 'other')} | {ms:.0f} | {ms / cost.decode_ms:.2f} |")
    return "\n".join(lines)


def _targets(cost: Cost) -> str:
    slowest_code, slowest_ms = max(cost.per_code_ms.items(), key=lambda kv: kv[1])
    mrz_ms = cost.per_code_ms.get(MRZ_READER, float("nan"))

    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return "\n".join(
        [
            "## Targets on the standard bundle (issue #18)",
            "",
            f"- ratio {cost.ratio:.1f} (target <= {TARGET_RATIO:g}): {mark(cost.ratio <= TARGET_RATIO)}",
            f"- slowest check {slowest_code} {slowest_ms:.0f} ms (target <= {TARGET_CHECK_MS:g} ms): "
            f"{mark(slowest_ms <= TARGET_CHECK_MS)}",
            f"- MRZ read {mrz_ms:.0f} ms (target <= {TARGET_MRZ_MS:g} ms): {mark(mrz_ms <= TARGET_MRZ_MS)}",
        ]
    )


def _real_section(costs: list[Cost], top: int) -> str:
    ratios = [c.ratio for c in costs]
    per_code: dict[str, list[float]] = defaultdict(list)
    for c in costs:
        for code, ms in c.per_code_ms.items():
            per_code[code].append(ms)
    lines = [
        f"## real corpus: {len(costs)} one-document ID bundles",
        "",
        f"ratio to decode: median {statistics.median(ratios):.1f}, range {min(ratios):.1f}-{max(ratios):.1f}",
        "",
        f"| check (top {top} by median) | domain | median ms | max ms |",
        "|---|---|---|---|",
    ]
    ranked = sorted(per_code.items(), key=lambda kv: -statistics.median(kv[1]))[:top]
    for code, values in ranked:
        lines.append(f"| {code} | {DOMAIN.get(code, 'other')} | {statistics.median(values):.0f} | {max(values):.0f} |")
    lines += ["", "| image | decode ms | engine ms | ratio |", "|---|---|---|---|"]
    for c in costs:
        lines.append(f"| {c.bundle.removeprefix('real:')} | {c.decode_ms:.0f} | {c.engine_ms:.0f} | {c.ratio:.1f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per bundle (median reported)")
    parser.add_argument("--real", type=int, default=12, help="corpus images run as bundles (0: none)")
    parser.add_argument("--top", type=int, default=12, help="checks listed per bundle")
    args = parser.parse_args()
    print(f"# Bundle cost: one process, one compute thread, median of {args.runs} runs after a warm-up\n")
    standard = measure(standard_bundle(), args.runs)
    print(_bundle_section(standard, args.top), end="\n\n", flush=True)
    print(_bundle_section(measure(corporate_bundle(), args.runs), args.top), end="\n\n", flush=True)
    real = [measure(item, max(1, args.runs // 2)) for item in real_bundles(args.real)]
    if real:
        print(_real_section(real, args.top), end="\n\n")
    print(_targets(standard))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
