"""Read the MRZ off an image: detect text lines, keep the long ones, OCR them upright, parse with checks.

Only MRZ-shaped lines are recognised (the detector runs once on a downscaled view; recognition runs on a few
long line crops cut from the full-resolution pixels), which keeps a read near a quarter of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.identity import ocr
from workers.checks.identity.line_geometry import (
    along_and_down,
    crop_line,
    enclosing_rectangle,
    ink_crop,
    oriented,
    padded,
)
from workers.checks.identity.mrz_correct import clean_line, correct_mrz, width_misfit
from workers.checks.identity.mrz_layout import LAYOUTS
from workers.checks.identity.mrz_parse import ParsedMrz, valid_digits

# An MRZ line is 30 to 44 characters about 1.4 times as tall as wide: its box is at least ~8 times longer than
# high; 6 leaves room for boxes cut at the line's ends by perspective.
MIN_LINE_ASPECT = 6.0
# MRZ lines are the longest text lines of a document; others are kept if at least this share of the longest.
MIN_RELATIVE_LENGTH = 0.45
MAX_LINES_READ = 8  # recognition budget per image: the longest lines only
# Lines read turned 180 degrees when the upright reading is no valid MRZ: the three lines of a card's TD1 zone
# and one printed line longer than them (a card's title, "REPUBLIC OF UTOPIA IDENTITY CARD").
FLIP_BUDGET = 4
# Views this many times larger than the detector's input are searched again in tiles when nothing is found.
TILE_FROM = 1.3
# The second look at a zone whose digits fail: each line cut again with this much margin, in line heights,
# above and below (ACROSS) and at both ends (ALONG). A different crop changes what the recogniser sees at the
# glyph edges; on the corpus' 352 px Liechtenstein card these margins turned 'I' read as '1' back into 'I'.
REREAD_ACROSS = 0.3
REREAD_ALONG = 0.5
# The quick read (quick_read) recognises at most the three lines of a TD1 zone, and takes two lines as one
# MRZ's neighbours when their lengths differ by at most this share: the zone's lines are equally long, and the
# detector's boxes of them differ by 0-6 % on the generated cards and the corpus specimens (a box may stop
# short of a trailing filler run).
QUICK_LINES = 3
NEIGHBOUR_LENGTH_SPREAD = 0.15
# Zone fallback: a piece of an MRZ line has at least this many characters (a third of the shortest, TD1, line)
SEED_CHARS = 10
# and its neighbour rows are searched at these distances, in box heights: rapidocr's boxes are ~1.2 glyph
# heights tall and MRZ lines sit 1.2-1.8 box heights apart (corpus Qatar: 1.2, ICAO example passport: 1.8).
ROW_STEPS = (1.15, 1.3, 1.5, 1.8)


@dataclass(frozen=True)
class MrzReading:
    parsed: ParsedMrz
    # Quadrilateral around the zone, in full-resolution pixels (for the finding's region).
    polygon: list[list[float]]
    # The zone's rectangle in reading direction (the first line's start and end, the last line's end and start),
    # full-resolution pixels: where the page around it is (locate.mrz_page).
    zone: list[list[float]]


@dataclass(frozen=True)
class _Line:
    quad: NDArray[np.float32]  # tl, tr, br, bl in reading direction, full-resolution pixels
    text: str


def looks_like_mrz(text: str) -> bool:
    """26+ characters of the MRZ alphabet making up nearly all of the read text (spaces aside)."""
    raw = text.replace(" ", "")
    cleaned = clean_line(text)
    return len(cleaned) >= 26 and len(cleaned) >= 0.85 * len(raw)


def _candidate_quads(boxes: list[NDArray[np.float32]], scale: float) -> list[NDArray[np.float32]]:
    quads = [oriented(b) / scale for b in boxes]
    lengths = [float(np.linalg.norm(q[1] - q[0])) for q in quads]
    heights = [float(np.linalg.norm(q[3] - q[0])) for q in quads]
    if not quads:
        return []
    longest = max(lengths)
    keep = [
        i
        for i in range(len(quads))
        if lengths[i] >= MIN_RELATIVE_LENGTH * longest and lengths[i] >= MIN_LINE_ASPECT * heights[i]
    ]
    keep.sort(key=lambda i: -lengths[i])
    return [quads[i] for i in keep[:MAX_LINES_READ]]


def _read_lines(
    image: NDArray[np.uint8],
    quads: list[NDArray[np.float32]],
    *,
    flip: bool = False,
    known: list[_Line] | None = None,
    crop: Callable[[NDArray[np.uint8], NDArray[np.float32]], NDArray[np.uint8]] = crop_line,
) -> list[_Line]:
    """OCR each quad (turned 180 degrees with `flip`; cut out by `crop`) and add the MRZ-like ones to `known`;
    stop as soon as the lines form a fully valid MRZ."""
    lines: list[_Line] = list(known or [])
    for quad in quads:
        if flip:
            quad = np.roll(quad, 2, axis=0)  # the same strip read upside down (photo turned 180 degrees)
        text = ocr.recognize_line(crop(image, quad)).text
        if looks_like_mrz(text):
            lines.append(_Line(quad, text))
            found = _best_group(_in_reading_order(lines))
            if found is not None and found[0].valid:
                break
    return lines


def _sibling_quads(found: list[_Line], boxes: list[NDArray[np.float32]]) -> list[NDArray[np.float32]]:
    """Full-length quads for MRZ lines the detector cut short (long filler runs are often left out of a box).

    MRZ lines are left-aligned and of equal length, so a parallel box starting level with a read line, one to
    three line heights above or below it, is that line's neighbour: the read line's quad is shifted onto it.
    """
    out: list[NDArray[np.float32]] = []
    for line in found:
        q = line.quad
        along, _ = along_and_down(q)
        height = float(np.linalg.norm(q[3] - q[0]))
        for box in boxes:
            b = oriented(box)
            direction, _ = along_and_down(b)
            if float(np.dot(direction, along)) < 0.98:
                continue
            offset = b[0] - q[0]
            shift_along = float(np.dot(offset, along))
            shift_across = offset - shift_along * along
            gap = float(np.linalg.norm(shift_across))
            if abs(shift_along) < 1.5 * height and 0.5 * height < gap < 3.5 * height:
                out.append((q + shift_across).astype(np.float32))
    return out


def _in_reading_order(lines: list[_Line]) -> list[_Line]:
    """Top to bottom along the text's own 'down' direction, so rotated photos keep the line order."""
    if not lines:
        return lines
    q = lines[0].quad
    _, down = along_and_down(q)
    return sorted(lines, key=lambda line: float(np.dot(line.quad.mean(axis=0), down)))


def values_proven(parsed: ParsedMrz | None) -> bool:
    """Whether the reading's characters are proven a zone read right: one of its check digits holds. Only then
    are its values used (the reader's fields, the comparison with the declared ones)."""
    return parsed is not None and valid_digits(parsed) > 0


def zone_read(parsed: ParsedMrz | None) -> bool:
    """Whether `parsed` is a machine readable zone read: its values are proven (`values_proven`), or it is sure
    of a digit that fails (its field read alike from two crops, no other reading of it fitting, the fields in
    their places: `reread`, `mrz_correct`), as on a specimen printed with every digit wrong."""
    if parsed is None:
        return False
    return values_proven(parsed) or bool(set(parsed.invalid_checks) - parsed.uncertain)


def _best_group(lines: list[_Line]) -> tuple[ParsedMrz, list[_Line]] | None:
    best: tuple[tuple[int, int, int], ParsedMrz, list[_Line]] | None = None
    for size in (3, 2):
        for start in range(len(lines) - size + 1):
            group = lines[start : start + size]
            parsed = correct_mrz([line.text for line in group])
            if parsed is None:
                continue
            # most valid check digits, then more lines, then lowest on the page (the MRZ is at the bottom)
            key = (valid_digits(parsed) - len(parsed.checks), size, start)
            if best is None or key > best[0]:
                best = (key, parsed, group)
    return None if best is None else (best[1], best[2])


def _equal_neighbours(quad: NDArray[np.float32], others: list[NDArray[np.float32]]) -> int:
    """How many of `others` could be this line's neighbour in one MRZ: parallel, of about its length, starting
    level with it (MRZ lines are left-aligned and equally long) and one to three line heights across."""
    along, _ = along_and_down(quad)
    length = float(np.linalg.norm(quad[1] - quad[0]))
    height = float(np.linalg.norm(quad[3] - quad[0]))
    count = 0
    for other in others:
        other_length = float(np.linalg.norm(other[1] - other[0]))
        if other is quad or float(np.dot((other[1] - other[0]) / max(other_length, 1e-6), along)) < 0.98:
            continue
        offset = other[0] - quad[0]
        shift_along = float(np.dot(offset, along))
        gap = float(np.linalg.norm(offset - shift_along * along))
        same_length = abs(other_length - length) <= NEIGHBOUR_LENGTH_SPREAD * length
        if same_length and abs(shift_along) < 1.5 * height and 0.5 * height < gap < 3.5 * height:
            count += 1
    return count


def quick_read(image: NDArray[np.uint8], boxes: list[NDArray[np.float32]]) -> MrzReading | None:
    """The MRZ read from the lines that look like one, or None: recognises, longest first, only the long lines
    that have an equally long parallel neighbour (an MRZ's 2-3 lines; a card's title or an address line has
    none), at most QUICK_LINES of them, and gives up at the first that does not read as MRZ text. The lines are
    read as black ink (`ink_crop`): Doc 9303 prints the zone in black, and a coloured stamp over it (the corpus's
    Qatari specimen: its red 'SPECIMEN' over a filler read as R) fades to the paper. Only a reading whose every
    check digit holds is returned, so a miss costs the caller nothing but this look: the full read (read_mrz)
    follows on the crops as they are."""
    quads = _candidate_quads(boxes, 1.0)
    paired = [q for q in quads if _equal_neighbours(q, quads) > 0][:QUICK_LINES]
    lines: list[_Line] = []
    for quad in paired:
        text = ocr.recognize_line(ink_crop(image, quad)).text
        if not looks_like_mrz(text):
            return None
        lines.append(_Line(quad, text))
        found = _best_group(_in_reading_order(lines))
        if found is not None and found[0].valid:
            return _reading(*found)
    if len(lines) != 2:
        return None
    # Two lines of a TD1 zone read, the third cut short by the small view's detector (so without an equally
    # long neighbour): it is as long as they are and either between them (they were lines 1 and 3) or one
    # step beyond them. (The small view's boxes are taller than a line pitch, so the gap between two lines
    # read does not tell which: each place is tried, between first.)
    first, second = _in_reading_order(lines)
    step = (second.quad.mean(axis=0) - first.quad.mean(axis=0)).astype(np.float32)
    rows = [first.quad + step / 2, second.quad + step, first.quad - step]
    for row in rows:
        lines = _read_lines(image, [row], known=[first, second], crop=ink_crop)
        found = _best_group(_in_reading_order(lines))
        if found is not None and found[0].valid:
            return _reading(*found)
    return None


def _unread_siblings(lines: list[_Line], boxes: list[NDArray[np.float32]]) -> list[NDArray[np.float32]]:
    """_sibling_quads of the lines read, less those on a line already read."""
    known = [line.quad.mean(axis=0) for line in lines]
    return [
        q
        for q in _sibling_quads(lines, boxes)
        if all(np.linalg.norm(q.mean(axis=0) - c) > 0.5 * np.linalg.norm(q[3] - q[0]) for c in known)
    ]


def _reading(parsed: ParsedMrz, group: list[_Line]) -> MrzReading:
    corners = np.concatenate([line.quad for line in group])
    hull = cv2.convexHull(corners.astype(np.float32)).reshape(-1, 2)
    zone = enclosing_rectangle([line.quad for line in group])
    return MrzReading(parsed, [[float(x), float(y)] for x, y in hull], [[float(x), float(y)] for x, y in zone])


def _read_from_boxes(
    image: NDArray[np.uint8], boxes: list[NDArray[np.float32]], *, try_flip: bool = True
) -> tuple[ParsedMrz, list[_Line]] | None:
    quads = _candidate_quads(boxes, 1.0)
    lines = _read_lines(image, quads)
    found = _best_group(_in_reading_order(lines))
    if try_flip and (found is None or not found[0].valid):
        # Upside down, the MRZ lines are still the longest: only the first few are worth reading turned. Read
        # upright, upside-down print can pass for MRZ lines that parse into nothing valid, so the turned
        # reading is tried whenever the upright one is not a valid MRZ, and the one with more valid check
        # digits is kept.
        turned = _read_lines(image, quads[:FLIP_BUDGET], flip=True)
        turned_found = _best_group(_in_reading_order(turned))
        upright_digits = -1 if found is None else valid_digits(found[0])
        better = turned_found is not None and valid_digits(turned_found[0]) > upright_digits
        if better or not lines:
            lines, found = turned, turned_found
    if found is None or not found[0].valid:
        lines = _read_lines(image, _unread_siblings(lines, boxes)[:MAX_LINES_READ], known=lines)
        found = _best_group(_in_reading_order(lines))
    return found


def _along_extent(
    quad: NDArray[np.float32], origin: NDArray[np.float32], along: NDArray[np.float32]
) -> tuple[float, float]:
    t = [float(np.dot(p - origin, along)) for p in quad]
    return min(t), max(t)


def _zone_fallback(image: NDArray[np.uint8], boxes: list[NDArray[np.float32]]) -> tuple[ParsedMrz, list[_Line]] | None:
    """Last resort when no MRZ-shaped line was read: the detector split a line into pieces (marks drawn over
    the zone) or missed one line of it (faint print on a patterned background). The longest piece holding
    '<' fixes the zone's direction and glyph pitch; the line is re-cut to the full width of the widest MRZ
    format it can belong to, and its neighbour rows one pitch above and below are read too."""
    quads = _candidate_quads(boxes, 1.0)[:FLIP_BUDGET]
    seeds = [(q, clean_line(t)) for q in quads if "<" in (t := ocr.recognize_line(crop_line(image, q)).text)]
    seeds = [(q, t) for q, t in seeds if len(t) >= SEED_CHARS]
    if not seeds:
        return None
    quad, text = max(seeds, key=lambda s: float(np.linalg.norm(s[0][1] - s[0][0])))
    along, _ = along_and_down(quad)
    down = quad[3] - quad[0]
    pitch = float(np.linalg.norm(quad[1] - quad[0])) / len(text)
    start, end = _along_extent(quad, quad[0], along)
    for q, _t in seeds:  # pieces of the same row (across offset under half a line) widen it
        offset = float(np.linalg.norm((q[0] - quad[0]) - np.dot(q[0] - quad[0], along) * along))
        if offset < 0.5 * float(np.linalg.norm(down)):
            lo, hi = _along_extent(q, quad[0], along)
            start, end = min(start, lo), max(end, hi)
    best: tuple[ParsedMrz, list[_Line]] | None = None
    for width in (w for w in (30, 36, 44) if w >= (end - start) / pitch - 1):
        base = [quad[0] + start * along, quad[0] + (start + (width + 1) * pitch) * along]
        for step in ROW_STEPS:
            lines = []
            for k in (-1, 0, 1):
                left, right = (p + k * step * down for p in base)
                row = np.array([left, right, right + down, left + down], np.float32)
                lines.append(_Line(row, ocr.recognize_line(crop_line(image, row)).text))
            found = _best_group([ln for ln in lines if looks_like_mrz(ln.text)])
            if found is not None and (best is None or valid_digits(found[0]) > valid_digits(best[0])):
                best = found
    return best


def guarded_text(parsed: ParsedMrz, name: str) -> str:
    """The characters check `name` guards, its digit included (what a misread would have to change)."""
    layout = LAYOUTS[parsed.format]
    if name == "final" and layout.composite is not None:
        spans, where = layout.composite
        return "".join(span.take(parsed.lines) for span in spans) + where.take(parsed.lines)
    field, where = layout.checks[name]
    return layout.fields[field][0].take(parsed.lines) + where.take(parsed.lines)


def reread(image: NDArray[np.uint8], parsed: ParsedMrz, group: list[_Line]) -> ParsedMrz:
    """A zone whose check digits fail, read a second time from other crops. The second reading is kept when
    more of its digits hold, or when fewer of its characters had to be refitted to the format's width: a
    filler run grown over a dropped character shifts the fields after it, and the shifted characters may make
    a digit printed wrong hold by chance (corpus ICAO example passport: the expiry's check digit dropped,
    the personal number's first digit read in its place). Every failing check of the kept reading whose
    characters the two readings disagree on is marked uncertain (the recogniser is not sure of them); one
    they agree on stays a plain failure. A reading with no digit holding whose second reading is no zone of its
    format is sure of none of its digits."""
    texts = [
        ocr.recognize_line(crop_line(image, padded(line.quad, REREAD_ALONG, REREAD_ACROSS))).text for line in group
    ]
    again = correct_mrz(texts)
    if again is None or again.format is not parsed.format:
        if values_proven(parsed):
            return parsed
        # No digit holds and no second reading confirms the characters: sure of none of them (zone_read).
        return replace(parsed, uncertain=parsed.uncertain | frozenset(parsed.invalid_checks))
    if valid_digits(again) > valid_digits(parsed):
        return again
    width = LAYOUTS[parsed.format].width
    if width_misfit(texts, width) < width_misfit([line.text for line in group], width):
        parsed, again = again, parsed
    differ = {name for name in parsed.invalid_checks if guarded_text(parsed, name) != guarded_text(again, name)}
    return replace(parsed, uncertain=parsed.uncertain | differ) if differ else parsed


def read_mrz(
    image: NDArray[np.uint8],
    detect_view: NDArray[np.uint8] | None = None,
    area: tuple[int, int, int, int] | None = None,
    *,
    boxes: list[NDArray[np.float32]] | None = None,
    tiles: bool = True,
) -> MrzReading | None:
    """The MRZ on `image` (RGB or gray, full resolution), or None when no MRZ-shaped text is found.

    `detect_view` is a downscaled copy of `area` of the image (left, top, right, bottom; default: all of it) to
    run line detection on (default: `image` itself); `boxes` are the lines already detected on it, in image
    pixels (detected here when not given). Recognition always crops from `image`. When the whole view finds
    nothing and it is larger than the detector's input, the view is searched again tile by tile (small
    document far from the camera), unless `tiles` is False: the caller has found the document, whose own box
    shows it at the readers' size (reader.capture_mrz).
    """
    view = image if detect_view is None else detect_view
    if view.ndim == 2:
        view = np.repeat(view[:, :, None], 3, axis=2)
    shown = area or (0, 0, image.shape[1], image.shape[0])

    def in_image(boxes: list[NDArray[np.float32]]) -> list[NDArray[np.float32]]:
        return ocr.in_image(boxes, view.shape[1], shown)

    if boxes is None:
        boxes = in_image(ocr.detect_text_boxes(view))
    found = _read_from_boxes(image, boxes)
    if found is None and tiles and max(view.shape[:2]) > TILE_FROM * ocr.DET_SIDE:
        found = _read_from_boxes(image, in_image(ocr.detect_tiled(view)), try_flip=False)
    if found is None:
        found = _zone_fallback(image, boxes)
    if found is None:
        return None
    parsed, group = found
    if not parsed.valid:
        parsed = reread(image, parsed, group)
    return _reading(parsed, group)
