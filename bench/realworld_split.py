"""The calibration / check split of bench/realworld_labels.tsv, by group (never a group on both sides).

Rule: a group goes to the calibration half when the SHA-256 of its name (UTF-8, hex) is even, to the check half
when odd. Then, visiting the groups in order of that hash, a group is moved to the other half (or two groups
are, one pair at a time) whenever that makes the halves more even. The cost: over the 11 defect categories and
the genuine captures, the squared relative difference of the halves' image counts ((a - b) / (a + b)), plus a
large penalty for a category held by 2+ groups but missing from one half, plus a small term for the halves'
sizes. Passes repeat until no move helps, so the result is deterministic. Unsure labels (`?category`) do not
count. A category held by one group only ("not a document": one photo) can be in one half only.

Run: .venv/bin/python -m bench.realworld_split           (prints the counts per half)
     .venv/bin/python -m bench.realworld_split --write   (rewrites the half column of the TSV)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from collections import defaultdict
from pathlib import Path

LABELS = Path(__file__).resolve().parent / "realworld_labels.tsv"
CATEGORIES = (
    "photocopy",
    "screen",
    "cut-off",
    "blur",
    "glare",
    "dark",
    "occlusion",
    "expired",
    "check digit",
    "manipulated",
    "not a document",
)
HALVES = ("calibration", "check")
MISSING_PENALTY = 10.0  # a category absent from one half defeats the purpose of the split
SIZE_WEIGHT = 0.05  # the halves' sizes matter, but less than any one category


def read_rows(path: Path = LABELS) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return list(reader.fieldnames or []), list(reader)


def definite(defects: str) -> set[str]:
    return {d.strip() for d in defects.split(",") if d.strip() and not d.strip().startswith("?")}


def group_counts(rows: list[dict[str, str]]) -> dict[str, dict[str, int]]:
    """Per group: images per category, genuine captures and the group's size."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        tally = counts[row["group"]]
        tally["size"] += 1
        tally["genuine"] += row["genuine"] == "1"
        for category in definite(row["defects"]):
            tally[category] += 1
    return counts


def _hash(group: str) -> int:
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest(), 16)


def cost(side: dict[str, str], counts: dict[str, dict[str, int]]) -> float:
    total = 0.0
    for key in (*CATEGORIES, "genuine", "size"):
        per_half = dict.fromkeys(HALVES, 0)
        holders = 0
        for group, tally in counts.items():
            per_half[side[group]] += tally.get(key, 0)
            holders += tally.get(key, 0) > 0
        if not sum(per_half.values()):
            continue
        # Relative imbalance: 2 of 16 genuine captures weigh as much as 15 of 121 expired documents.
        share = (per_half["calibration"] - per_half["check"]) / sum(per_half.values())
        total += share * share * (SIZE_WEIGHT if key == "size" else 1.0)
        if key != "size" and holders >= 2 and min(per_half.values()) == 0:
            total += MISSING_PENALTY
    return total


def split(rows: list[dict[str, str]]) -> dict[str, str]:
    """group -> half, by the rule in the module docstring."""
    counts = group_counts(rows)
    order = sorted(counts, key=_hash)
    side = {group: HALVES[_hash(group) % 2] for group in order}
    best = cost(side, counts)
    improved = True
    while improved:
        improved = False
        # Single moves first, then swaps of two groups: a swap evens out one count (genuine captures come in
        # groups of 1-4) where every single move would unbalance another.
        moves = [(group,) for group in order] + [(a, b) for i, a in enumerate(order) for b in order[i + 1 :]]
        for move in moves:
            _flip(side, move)
            trial = cost(side, counts)
            if trial < best - 1e-9:
                best, improved = trial, True
            else:
                _flip(side, move)
    return side


def _flip(side: dict[str, str], groups: tuple[str, ...]) -> None:
    for group in groups:
        side[group] = HALVES[1 - HALVES.index(side[group])]


def report(rows: list[dict[str, str]], side: dict[str, str]) -> str:
    lines = ["| count | calibration | check |", "|---|---|---|"]
    for key in ("images", "groups", "genuine", *CATEGORIES):
        per_half = dict.fromkeys(HALVES, 0)
        if key == "groups":
            for half in side.values():
                per_half[half] += 1
        for row in rows if key != "groups" else []:
            hit = key == "images" or (key == "genuine" and row["genuine"] == "1") or key in definite(row["defects"])
            per_half[side[row["group"]]] += hit
        lines.append(f"| {key} | {per_half['calibration']} | {per_half['check']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the half column of the labels TSV")
    args = parser.parse_args()
    fields, rows = read_rows()
    side = split(rows)
    print(report(rows, side))
    if args.write:
        for row in rows:
            row["half"] = side[row["group"]]
        with LABELS.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fields, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {LABELS}")


if __name__ == "__main__":
    main()
