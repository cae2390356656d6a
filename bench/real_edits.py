"""Seeded forgeries made from real parts: genuine document captures of ../shared/corpus with the portrait
replaced by a real face from the corpus's faces_* folders, or the holder's name and a date inpainted and
re-typed, then saved the way a phone app saves (slight resize, unsharp mask, JPEG 85-95, sometimes twice).

These are composites made by this project from third-party images, not forgeries found in the wild. Every edit
is a function of (source image, seed): the same seed gives the same bytes. Nothing is written to disk.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from workers.checks.capture import Capture
from workers.checks.face.detect import Face, detect_faces
from workers.checks.face.views import id_portraits
from workers.checks.identity.page_text import PAGE_SIDE, PageLine, read_page

RGB = NDArray[np.uint8]
ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus"
LABELS = ROOT / "bench" / "realworld_labels.tsv"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FACE_FOLDERS = ("faces_deepface", "faces_face_recognition", "faces_facekit", "faces_compreface")
# The holder's name words printed on each source (MANIFEST.tsv ground truth, SIDTD JSON annotations): the
# OCR lines holding one of them are the name fields a forger retypes.
HOLDERS = {
    "usa": ("TRAVELER", "HAPPY"),
    "svk": ("SPECIMEN", "VZORKA"),
    "chn": ("LAU", "TSZ", "LAN"),
    "xpo": ("DOBROVOLSKA", "SVITLANA"),
    "hun": ("HANDRA", "ROZALIA", "IRMA"),
    "aut": ("MUSTERFRAU", "ISOLDE"),
    "alb00": ("Agani", "Adnan"),
    "alb01": ("Ahmetaj", "Afrim"),
    "aze00": ("ABDULLAYEV", "ADIL"),
    "aze01": ("ABRAMOV", "ADNAN"),
}
# Names typed in instead (upper-cased when the original is).
NEW_NAMES = ("Kovacs", "Moreau", "Lindqvist", "Petrov", "Haddad", "Okafor", "Brennan", "Santos", "Novak", "Weber")
DATE = re.compile(r"\d{1,4}[ ./-]+(\d{1,2}|[A-Za-z]{3,4})[ ./-]+\d{2,4}")
EDIT_TYPES = ("portrait", "fields", "portrait+fields")


@dataclass(frozen=True)
class Source:
    """A genuine capture: corpus-relative path, label half (calibration | check), short holder key."""

    file: str
    half: str
    holder: str

    @property
    def path(self) -> Path:
        return CORPUS / self.file


def sources() -> list[Source]:
    """The images labelled genuine, the SIDTD bona fide renders and every getcontrol colour photo."""
    out = []
    with LABELS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            name = row["file"].split("/")[-1]
            bona_fide_render = row["source"] == "sidtd" and not name.startswith("fake_")
            if row["genuine"] == "1" or bona_fide_render or row["source"] == "getcontrol_kyc_specimens":
                holder = name.split("__")[0].split("_")[0] if "__" in name else name.split(".")[0]
                out.append(Source(row["file"], row["half"], holder))
    return out


def phone_jpeg(rgb: RGB, seed: int) -> bytes:
    """What a phone app does on export: shrink slightly, sharpen (unsharp mask), JPEG 85-95, and in half the
    cases open and save once more. No EXIF: apps that re-encode drop the camera's."""
    rng = np.random.default_rng(seed + 9100)
    scale = float(rng.uniform(0.85, 0.97))
    h, w = rgb.shape[:2]
    small = cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(small, (0, 0), float(rng.uniform(0.8, 1.5)))
    amount = float(rng.uniform(0.3, 0.8))
    sharp = cv2.addWeighted(small, 1 + amount, blurred, -amount, 0)
    data = _encode(np.asarray(sharp, np.uint8), int(rng.integers(85, 96)))
    if rng.random() < 0.5:
        again = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        data = _encode(again, int(rng.integers(85, 96)))
    return data


def _encode(rgb: RGB, quality: int) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=quality)
    return out.getvalue()


# ---------------------------------------------------------------- portrait replaced by a corpus face


@cache
def donors() -> list[tuple[str, RGB, Face]]:
    """Real face photos with one clear frontal face (detector score > 0.5, >= 90 px wide), by file name."""
    found = []
    for folder in FACE_FOLDERS:
        for path in sorted((CORPUS / folder).glob("*")):
            if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
                continue
            rgb = np.asarray(Image.open(path).convert("RGB"))
            scale = max(1.0, max(rgb.shape[:2]) / 1000)
            view = cv2.resize(rgb, (round(rgb.shape[1] / scale), round(rgb.shape[0] / scale)))
            faces = detect_faces(np.ascontiguousarray(view), scale, upsample=1, min_score=0.5)
            if len(faces) == 1 and faces[0].width >= 90:
                found.append((f"{folder}/{path.name}", rgb, faces[0]))
    return found


def _lab_match(donor: RGB, target: RGB, mask: NDArray[np.bool_]) -> RGB:
    """`donor` with the per-channel Lab mean and spread of `target` inside `mask` (colour and tone match)."""
    d = cv2.cvtColor(donor, cv2.COLOR_RGB2LAB).astype(np.float32)
    t = cv2.cvtColor(target, cv2.COLOR_RGB2LAB).astype(np.float32)
    for c in range(3):
        dm, ds = d[..., c][mask].mean(), d[..., c][mask].std() + 1e-3
        tm, ts = t[..., c][mask].mean(), t[..., c][mask].std()
        d[..., c] = (d[..., c] - dm) * (ts / ds) + tm
    return np.asarray(cv2.cvtColor(np.clip(d, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB), np.uint8)


def replace_portrait(rgb: RGB, face: Face, seed: int) -> tuple[RGB, str]:
    """The document's portrait (found by the face checks' detector) replaced by a donor face: aligned on the
    five landmarks, colour-matched, blended through a feathered head-shaped mask. Returns (image, donor)."""
    pool = donors()
    name, donor, dface = pool[seed % len(pool)]
    matrix, _ = cv2.estimateAffinePartial2D(dface.landmarks.astype(np.float32), face.landmarks.astype(np.float32))
    h, w = rgb.shape[:2]
    warped = cv2.warpAffine(donor, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    # Head and neck: an ellipse around the face box, lifted towards the forehead as the face is turned.
    ux, uy = face.up
    cx, cy = face.center
    side = max(face.width, face.height)
    centre = (round(cx + 0.15 * side * ux), round(cy + 0.15 * side * uy))
    axes = (round(0.85 * side), round(1.15 * side)) if face.turns % 2 == 0 else (round(1.15 * side), round(0.85 * side))
    mask = np.zeros((h, w), np.float32)
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 1.0, -1)
    matched = _lab_match(np.asarray(warped, np.uint8), rgb, mask > 0.5)
    alpha = cv2.GaussianBlur(mask, (0, 0), max(1.0, 0.08 * side))[..., None]
    out = rgb.astype(np.float32) * (1 - alpha) + matched.astype(np.float32) * alpha
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), name


# ---------------------------------------------------------------- name and date inpainted and re-typed


def page_lines(rgb: RGB) -> list[PageLine]:
    """The project's own OCR lines (detector + recogniser, turned pages stood up), full-resolution quads."""
    scale = min(1.0, PAGE_SIDE / max(rgb.shape[:2]))
    view = cv2.resize(rgb, (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    return read_page(rgb, np.asarray(view, np.uint8))


def field_lines(lines: list[PageLine], holder: str) -> tuple[PageLine | None, PageLine | None]:
    """(a line holding a name word of the holder, a line holding a date), the first of each top to bottom."""
    words = [w.upper() for w in HOLDERS.get(holder, ())]
    # Printed fields only: a forger retyping the MRZ would have to recompute its check digits (another edit).
    lines = [ln for ln in lines if "<" not in ln.text and len(ln.text) <= 30]
    name = next((ln for ln in lines if any(w in ln.text.upper() for w in words)), None)
    date = next((ln for ln in lines if DATE.search(ln.text)), None)
    return name, date


def _new_text(line: PageLine, holder: str, rng: np.random.Generator) -> str:
    """The line's text with the holder's name word swapped for another name, or a date's digits changed."""
    text = line.text
    for word in HOLDERS.get(holder, ()):
        at = text.upper().find(word.upper())
        if at >= 0:
            new = str(rng.choice(NEW_NAMES))
            new = new.upper() if text[at : at + len(word)].isupper() else new
            return text[:at] + new + text[at + len(word) :]
    # A plausible other date in the same layout: each run of digits replaced by a day, month or year of its
    # width (a 4-digit run is the year; the first short run is the day unless the year leads).
    runs = list(re.finditer(r"\d+", text))
    year_first = bool(runs) and len(runs[0].group()) == 4
    values = {"day": int(rng.integers(1, 29)), "month": int(rng.integers(1, 13)), "year": int(rng.integers(1950, 2006))}
    order = ("year", "month", "day") if year_first else ("day", "month", "year")
    short = [k for k in order if k != "year"]
    out, last = "", 0
    for run in runs:
        width = len(run.group())
        key = "year" if width == 4 else short.pop(0) if short else "day"
        value = values[key] % (100 if width == 2 and key == "year" else 10**width)
        out += text[last : run.start()] + f"{value:0{width}d}"
        last = run.end()
    return out + text[last:]


def _ink_colour(rgb: RGB, quad: NDArray[np.float32]) -> tuple[int, int, int]:
    """The text's colour: median of the darkest tenth of the pixels inside the line's box."""
    mask = np.zeros(rgb.shape[:2], np.uint8)
    cv2.fillPoly(mask, [quad.astype(np.int32)], 1)
    pixels = rgb[mask > 0].astype(np.float32)
    luma = pixels.mean(axis=1)
    dark = pixels[luma <= np.percentile(luma, 10)]
    return (int(np.median(dark[:, 0])), int(np.median(dark[:, 1])), int(np.median(dark[:, 2])))


def retype_line(rgb: RGB, line: PageLine, holder: str, seed: int) -> tuple[RGB, str]:
    """Inpaint the line (cv2.inpaint or a flat fill with the surrounding paper colour) and type the new text
    in DejaVu Sans, fitted to the old line's box, in its ink colour. Returns (image, new text)."""
    rng = np.random.default_rng(seed + 9200)
    quad = np.array(line.quad, np.float32)
    height = float(np.linalg.norm(quad[3] - quad[0]))
    ink = _ink_colour(rgb, quad)
    box = np.zeros(rgb.shape[:2], np.uint8)
    cv2.fillPoly(box, [quad.astype(np.int32)], 255)
    pad = max(1, round(0.15 * height))
    mask: NDArray[np.uint8] = np.asarray(cv2.dilate(box, np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)), np.uint8)
    if rng.random() < 0.5:
        out = np.asarray(cv2.inpaint(rgb, mask, max(3.0, height / 4), cv2.INPAINT_TELEA), np.uint8)
    else:  # the forger's flat "background fill": the median colour of a ring around the line
        ring = np.asarray(cv2.dilate(mask, np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)), np.uint8) & ~mask
        out = rgb.copy()
        out[mask > 0] = np.median(rgb[ring > 0], axis=0).astype(np.uint8)
    text = _new_text(line, holder, rng)
    bold = rng.random() < 0.5
    size = max(8, round(height * 0.8))
    face = ImageFont.truetype(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)
    left, top, right, bottom = face.getbbox(text)
    strip = Image.new("L", (int(right - left) + 4, int(bottom - top) + 4), 0)
    ImageDraw.Draw(strip).text((2 - left, 2 - top), text, font=face, fill=255)
    # The strip stretched onto the old line's box (same length and height, same tilt and perspective).
    sw, sh = strip.size
    inset = 0.1 * height
    src = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], np.float32)
    down = (quad[3] - quad[0]) / max(height, 1.0)
    dst = np.array([quad[0] + down * inset, quad[1] + down * inset, quad[2] - down * inset, quad[3] - down * inset])
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    alpha = cv2.warpPerspective(np.asarray(strip, np.float32) / 255, matrix, (rgb.shape[1], rgb.shape[0]))[..., None]
    blended = out.astype(np.float32) * (1 - alpha) + np.array(ink, np.float32) * alpha
    return np.clip(blended + 0.5, 0, 255).astype(np.uint8), text


# ---------------------------------------------------------------- one source, every edit


@dataclass(frozen=True)
class Made:
    """One upload: what was done ("original", "resaved", or an edit type), its bytes, and notes."""

    source: Source
    edit: str
    data: bytes
    note: str = ""


def make_all(source: Source, seed: int) -> list[Made]:
    """The source as stored, the source through the phone pipeline, and each edit type it allows (a portrait
    must be found for the portrait swap, a name or date line read for the retyping), all with `seed`."""
    raw = source.path.read_bytes()
    capture = Capture(data=raw, filename=source.path.name)
    rgb = np.ascontiguousarray(capture.rgb)
    out = [Made(source, "original", raw), Made(source, "resaved", phone_jpeg(rgb, seed))]
    portraits = id_portraits(capture)
    swapped: RGB | None = None
    if portraits:
        swapped, donor = replace_portrait(rgb, portraits[0], seed)
        out.append(Made(source, "portrait", phone_jpeg(swapped, seed), donor))
    name, date = field_lines(page_lines(rgb), source.holder)
    if name is None and date is None:
        return out
    for edit, base in (("fields", rgb), ("portrait+fields", swapped)):
        if base is None:
            continue
        notes = []
        for k, line in enumerate(x for x in (name, date) if x is not None):
            base, typed = retype_line(base, line, source.holder, seed + k)
            notes.append(f"{line.text!r}->{typed!r}")
        out.append(Made(source, edit, phone_jpeg(base, seed), "; ".join(notes)))
    return out
