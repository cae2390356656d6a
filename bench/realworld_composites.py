"""Ready rate of genuine colour documents under real phone-frame light: the colour composites.

The corpus holds 16 genuine colour phone captures, all downscaled to 600 x 800 by the corpus author. The issue
asks for more made honestly from real parts: bench/colour_composites.py warps a genuine flat colour specimen
into the ground-truth quad of each DLC-2021 frame, under that frame's own light, blur and sensor noise, its
colour intact (two specimens per frame, 160 composites). These are composites, not photos of genuine
documents, and are reported apart from the genuine captures.

Judged: composites whose frame is labelled with none of blur, glare, dark or cut-off (bench/realworld_labels.tsv,
sure or unsure), since the composite carries the frame's blur, light and framing; fingers over the grey copy
are never carried over, so every composite document is unobstructed. A judged composite is ready when it has no
fail or review finding among the file, capture-quality and authenticity checks, as a genuine capture
(bench.realworld_engine.is_ready). Shadows are not labelled in the frames: a composite under a frame's striped
sunlight reads IMAGE_UNEVEN_LIGHT, and that may be a true finding.
"""

from __future__ import annotations

from collections import Counter

from bench.colour_composites import CACHE, build
from bench.realworld_engine import READY_CODES, Label, Result, is_ready, load_labels, run_all
from bench.realworld_split import HALVES

# Frame labels the composite inherits (its light, blur and framing are the frame's): not judged for readiness.
INHERITED = frozenset({"blur", "glare", "dark", "cut-off"})


def judged_composites() -> list[Label]:
    """One genuine label per composite on a frame without INHERITED defects (file: its name in the cache)."""
    frames = {label.file: label for label in load_labels()}
    chosen = []
    for composite in build():
        frame = frames[composite.frame]
        if (frame.defects | frame.unsure) & INHERITED:
            continue
        chosen.append(Label(composite.name, composite.half, frame.doc_type, True, frozenset(), frozenset(), quad=None))
    return chosen


def _blocking(result: Result) -> list[str]:
    """The codes that keep a composite from ready (fail or review, or crashed, among READY_CODES)."""
    return sorted(({code for code, _ in result.flagged} | set(result.crashed)) & READY_CODES)


def composites_section(jobs: int, half: str = "all") -> str:
    labels = [label for label in judged_composites() if half in ("all", label.half)]
    results = run_all(labels, jobs, root=CACHE)
    pairs: list[tuple[Label, Result]] = [(label, results[label.file]) for label in labels]
    halves = HALVES if half == "all" else (half,)
    lines = ["| colour composites (bench/colour_composites.py) | " + " | ".join(halves) + " |", "|---" * 3 + "|"]
    cells, blockers = [], []
    for name in halves:
        own = [(label, result) for label, result in pairs if label.half == name]
        ready = sum(is_ready(label, result) for label, result in own)
        cells.append(f"{ready}/{len(own)} ({ready / len(own):.0%})" if own else "0/0")
        codes = Counter(code for _, result in own for code in _blocking(result))
        blockers.append(f"- {name}: " + (", ".join(f"{c} {n}" for c, n in codes.most_common()) or "none"))
    lines.append("| ready (file, capture quality, authenticity) | " + " | ".join(cells) + " |")
    not_ready = sorted(
        f"{label.half} {label.file}: {' '.join(_blocking(result))}"
        for label, result in pairs
        if not is_ready(label, result)
    )
    return "\n".join(
        [
            *lines,
            "",
            f"Judged: {len(pairs)} composites on frames without {', '.join(sorted(INHERITED))}. "
            "Codes keeping them from ready (images, by half):",
            *blockers,
            "",
            "Not ready:",
            *(f"- {line}" for line in not_ready),
        ]
    )
