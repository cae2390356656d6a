"""Printed expiry dates read from the visual zone of the real corpus images that print one.

Ground truth: bench/printed_dates_truth.tsv (file, half, expiry as ISO, the expiry as printed), one line per image
of bench/realworld_labels.tsv whose visible side prints an expiry date, from its notes and MANIFEST (the sidtd
JSON files for the renders and their fakes; the VIZ date where the MRZ says otherwise). Each image is read the way
the reader does it (`page_text.capture_page` lines, then `printed_dates.read_printed_dates`), judged on 2026-12-02
(the corpus README's reference day), with the document type and issuing country a user would declare (the
labels' doc_type, and the issuer their group names: 'dlc2021/svk_id/04', 'getcontrol_kyc_specimens/svk',
'passporteye/ESP-id-ESPANOLA'), which settle a date read two ways on a Doc 9303 document
(`printed_dates.standard_day_first`). An image is:
  read       one certain date, the right one
  ambiguous  the date left two ways (03.08.2026): the right one among them, no guess made
  wrong      a certain date that is not the printed expiry, or an ambiguous one without it
  missed     no expiry

Run: .venv/bin/python -m bench.printed_dates [--half calibration|check] [--table]
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.realworld_split import read_rows
from workers.checks.capture import Capture
from workers.checks.identity.countries import alpha2
from workers.checks.identity.page_text import capture_page
from workers.checks.identity.printed_dates import OcrLine, read_printed_dates, standard_day_first

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
TRUTH = Path(__file__).resolve().parent / "printed_dates_truth.tsv"
# The corpus README's reference day: every getcontrol card that shows an expiry is expired on it.
SUBMIT_ON = date(2026, 12, 2)
HALVES = ("calibration", "check")
STATUSES = ("read", "ambiguous", "missed", "wrong")


@dataclass(frozen=True)
class Truth:
    file: str
    half: str
    expiry: date
    printed: str


@dataclass(frozen=True)
class Outcome:
    truth: Truth
    status: str
    got: str


def truths(path: Path = TRUTH) -> list[Truth]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Truth(r["file"], r["half"], date.fromisoformat(r["expiry"]), r["printed"]) for r in rows]


# The issuer a label group names: its last part's leading code ('ESP-id-ESPANOLA', 'svk', 'svk_id', 'alb00').
_GROUP_ISSUER = re.compile(r"^([A-Za-z]{3})(?:[-_\d]|$)")


def issuer_of(group: str) -> str | None:
    """The issuing country (alpha-2) a label group names, where it names one a user could declare."""
    parts = group.split("/")
    found = _GROUP_ISSUER.match(parts[1] if parts[0] == "dlc2021" else parts[-1])
    return alpha2(found[1]) if found else None


def declared_order() -> dict[str, bool | None]:
    """Per labelled file: the day-month order its declared type and issuer stand for (standard_day_first)."""
    _, rows = read_rows()
    return {r["file"]: standard_day_first(r["doc_type"], issuer_of(r["group"])) for r in rows}


def page_lines(path: Path) -> list[OcrLine] | None:
    capture = Capture(data=path.read_bytes(), filename=path.name)
    if not capture.decodes:
        return None
    return [OcrLine.of(line) for line in capture_page(capture)]


def judge(truth: Truth, lines: list[OcrLine] | None, order: bool | None = None) -> Outcome:
    reading = read_printed_dates(lines, SUBMIT_ON, order).expiry if lines is not None else None
    if reading is None:
        return Outcome(truth, "missed", "" if lines is not None else "(does not decode)")
    if reading.value is not None:
        return Outcome(truth, "read" if reading.value == truth.expiry else "wrong", reading.text)
    return Outcome(truth, "ambiguous" if truth.expiry in reading.readings else "wrong", reading.text)


def run(half: str | None = None, corpus: Path = CORPUS) -> list[Outcome]:
    orders = declared_order()
    return [judge(t, page_lines(corpus / t.file), orders.get(t.file)) for t in truths() if half in (None, t.half)]


def tally(outcomes: list[Outcome]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {h: Counter() for h in HALVES}
    for o in outcomes:
        counts[o.truth.half][o.status] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=HALVES)
    parser.add_argument("--table", action="store_true", help="one line per image")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"corpus not found at {CORPUS}")
    outcomes = run(args.half)
    if args.table:
        for o in outcomes:
            print(f"{o.truth.half:11} {o.status:9} {o.truth.expiry.isoformat()}  {o.got!r:24} {o.truth.file}")
    for half, counts in tally(outcomes).items():
        total = sum(counts.values())
        if total:
            figures = "  ".join(f"{s} {counts[s]}" for s in STATUSES)
            print(f"{half:11} {total:3} images  {figures}  (read {counts['read'] / total:.0%})")


if __name__ == "__main__":
    main()
