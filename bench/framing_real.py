"""Framing on real captures: DOC_TOO_SMALL, DOC_PERSPECTIVE and BACKGROUND_BUSY on the real corpus, per half.

The three framing limits (workers/checks/quality/thresholds.py: MIN_AREA, MAX_TILT, MAX_CLUTTER) are chosen on
the calibration half of the real-world split (bench/realworld_labels.tsv, half column) so that they flag no
ordinary hand-held capture there: the DLC-2021 phone frames (printed copies held or laid on a desk, filmed as an
applicant would film a card: their framing is ordinary whatever they show) and the genuine getcontrol photos.
None of the corpus's images is labelled too small, tilted or on a busy background, so what is counted is false
flags. For each half it prints, per measure, the range and the images over the limit; the outline is the
engine's (workers.checks.locate.document_outline), whole documents only (a document cut by the frame or
filling it has no framing to judge).
Run: .venv/bin/python -m bench.framing_real [--jobs 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.outline_real import CORPUS, _readable
from bench.realworld_split import HALVES, read_rows
from workers.checks.capture import Capture
from workers.checks.locate.outline import document_outline
from workers.checks.quality import thresholds as t
from workers.checks.quality import views

# The ordinary hand-held captures: their framing is what applicants really do.
ORDINARY_SOURCES = ("dlc2021_graycopies_calib", "getcontrol_kyc_specimens", "getcontrol_kyc_tensorflow")


@dataclass(frozen=True)
class Framing:
    file: str
    half: str
    area: float  # share of the frame (0-1)
    tilt: float  # degrees
    clutter: float  # share of the background (0-1)


def measure(row: dict[str, str]) -> Framing | None:
    """The three framing measures of one image, None when no whole document is found in it."""
    path = CORPUS / row["file"]
    capture = Capture(data=_readable(path), filename=Path(row["file"]).with_suffix(".png").name)
    if not capture.decodes:
        return None
    outline = document_outline(capture)
    if outline is None or outline.fills_frame or outline.cut_corners:
        return None
    return Framing(
        row["file"],
        row["half"],
        outline.area_fraction,
        views.perspective_angle(outline),
        views.clutter(capture, outline),
    )


def _ordinary(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if r["file"].split("/")[0] in ORDINARY_SOURCES and (CORPUS / r["file"]).is_file()]


@dataclass(frozen=True)
class Limit:
    """One framing rule: its measure's field on Framing, limit, direction and how it is shown."""

    label: str
    field: str
    limit: float
    higher_is_worse: bool
    scale: float
    unit: str

    def value(self, framing: Framing) -> float:
        return float(getattr(framing, self.field))

    def flags(self, framing: Framing) -> bool:
        value = self.value(framing)
        return value > self.limit if self.higher_is_worse else value < self.limit


LIMITS = (
    Limit("share of the frame (DOC_TOO_SMALL)", "area", t.MIN_AREA, False, 100, "%"),
    Limit("tilt (DOC_PERSPECTIVE)", "tilt", t.MAX_TILT, True, 1, " deg"),
    Limit("background edge density (BACKGROUND_BUSY)", "clutter", t.MAX_CLUTTER, True, 100, "%"),
)


def measure_all(jobs: int = 2) -> list[Framing]:
    """The framing of every ordinary capture of the corpus with a whole document found."""
    _, rows = read_rows()
    with multiprocessing.Pool(jobs) as pool:
        return [f for f in pool.imap(measure, _ordinary(rows)) if f is not None]


def report(found: list[Framing]) -> str:
    lines = ["| measure | limit | half | images | range | flagged |", "|---|---|---|---|---|---|"]
    for rule in LIMITS:
        label, limit, scale, unit = rule.label, rule.limit, rule.scale, rule.unit
        for half in HALVES:
            mine = [f for f in found if f.half == half]
            values = [rule.value(f) for f in mine]
            over = [f for f in mine if rule.flags(f)]
            named = ", ".join(Path(f.file).name for f in over) or "-"
            shown = f"{min(values) * scale:.1f}-{max(values) * scale:.1f}{unit}" if values else "-"
            lines.append(
                f"| {label} | {limit * scale:g}{unit} | {half} | {len(mine)} | {shown} | {len(over)}: {named} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}: this benchmark needs ../shared/corpus", file=sys.stderr)
        return 2
    found = measure_all(args.jobs)
    print(f"# Framing on {len(found)} ordinary real captures (whole documents found)\n")
    print(report(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
