"""Honest colour composites: a genuine flat COLOUR specimen put under the light of a real DLC-2021 frame.

Genuine colour phone photos are few in the corpus, and none was taken under the coloured, tinted or striped
light of the DLC-2021 greyscale-copy frames. DOC_PHOTOCOPY must not flag a colour document under that light, so
for every one of the 80 DLC-2021 frames (../shared/corpus/dlc2021_graycopies_calib, ground-truth quad in
bench/realworld_labels.tsv) this script builds two composites:

1. the frame's light: the grey copy's paper is white, so the frame's upper envelope inside the quad (per
   channel, linear light: a grey closing that removes the print, then a blur) is the light falling on the
   document, with its colour, gradient, shadows and coloured glare;
2. a flat colour specimen (SIDTD bona fide renders of the MIDV-2020 Albanian ID and Azerbaijani passport, the
   same documents as the DLC clips alb_id and aze_passport; other flat colour specimens of the corpus for the
   other document types, cards into card frames and passport pages into passport frames) is warped into the
   ground-truth quad (cv2.getPerspectiveTransform / warpPerspective) and multiplied, in linear light, by that
   light: the specimen keeps its own colours, the light is the frame's;
3. the frame's blur (the Gaussian whose sharpness matches the frame's document) and sensor noise (per channel,
   measured on the frame) are carried over, and the result is encoded as a JPEG like the frame.

The frame outside the quad is the real frame. Fingers or objects over the grey copy are not carried over: the
composite document is unobstructed (their colour may tint the light estimate locally).
Composites are written outside the repository (default ~/.cache/kyc-preflight/composites, or $KYC_COMPOSITES),
deterministically (seeded per composite), with index.tsv (name, frame, specimen, half, quad). Each composite
inherits the calibration/check half of the frame it was built on. Corpus images are never copied into the repo.
Run: .venv/bin/python -m bench.colour_composites [--force]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from bench.realworld_split import definite, read_rows

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus"
CACHE = Path(os.environ.get("KYC_COMPOSITES", str(Path.home() / ".cache" / "kyc-preflight" / "composites")))
# Bump when the recipe changes: the cache is rebuilt.
VERSION = "1"

# Flat colour specimens (renders and scans of original colour documents), by shape.
CARD_SPECIMENS = ("sidtd/alb00.jpg", "sidtd/alb01.jpg", "passporteye/testdata_100_id-che.jpg")
PASSPORT_SPECIMENS = (
    "sidtd/aze00.jpg",
    "sidtd/aze01.jpg",
    "passporteye/testdata_100_pass-cze2.jpg",
    "passporteye/testdata_100_pass-hrv.jpg",
    "passporteye/testdata_100_pass-ltu.jpg",
    "passporteye/testdata_43_pass-twn.jpg",
    "passporteye/testdata_79_pass-hun.png",
    "passporteye/testdata_100_pass-chn.jpg",
    "regula_specimens/components_passport.jpg",
)
# The MIDV-2020 document of each DLC clip type that SIDTD renders in colour.
SAME_DOCUMENT = {
    "alb_id": ("sidtd/alb00.jpg", "sidtd/alb01.jpg"),
    "aze_passport": ("sidtd/aze00.jpg", "sidtd/aze01.jpg"),
}
CARD_TYPES = ("alb_id", "esp_id", "est_id", "fin_id", "svk_id")

GAMMA = 2.2  # sRGB-like encoding of the frames, close enough for a light estimate
LIGHT_SIDE = 512  # the light is estimated on the flat grey copy at this longer side
SIGMAS = (0.0, 0.7, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)  # candidate blurs (frame pixels)

Quad = tuple[tuple[float, float], ...]
RGB = NDArray[np.uint8]
Float = NDArray[np.float32]


@dataclass(frozen=True)
class Frame:
    file: str  # folder/file in the corpus
    half: str
    quad: Quad  # ground truth, the document's own TL, TR, BR, BL


@dataclass(frozen=True)
class Composite:
    name: str  # file name in the cache folder
    frame: str
    specimen: str
    half: str  # the frame's
    quad: Quad  # where the specimen was put (the frame's ground-truth quad)

    @property
    def path(self) -> Path:
        return CACHE / self.name


def frames() -> list[Frame]:
    """The DLC-2021 greyscale copies with their ground-truth quads (bench/realworld_labels.tsv)."""
    _, rows = read_rows()
    found = []
    for row in rows:
        if "photocopy" in definite(row["defects"]) and row.get("quad"):
            points = json.loads(row["quad"])
            found.append(Frame(row["file"], row["half"], tuple((float(x), float(y)) for x, y in points)))
    return found


def _read(path: Path) -> RGB:
    bgr = cv2.imdecode(np.frombuffer(path.read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"{path.name}: not an image OpenCV decodes")
    return np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)


def _seed(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def plan() -> list[Composite]:
    """Two composites per frame: the same MIDV-2020 document in colour where SIDTD has it (alb_id, aze_passport),
    else a card or passport specimen; plus a second specimen of the same shape. Deterministic."""
    planned = []
    for index, frame in enumerate(frames()):
        doc_type = Path(frame.file).name.split("__")[0]
        pool = CARD_SPECIMENS if doc_type in CARD_TYPES else PASSPORT_SPECIMENS
        first = SAME_DOCUMENT.get(doc_type, pool)[index % len(SAME_DOCUMENT.get(doc_type, pool))]
        others = [s for s in pool if s != first]
        second = others[(index * 7 + 3) % len(others)]
        for specimen in (first, second):
            name = f"{Path(frame.file).stem}__{Path(specimen).stem}.jpg"
            planned.append(Composite(name, frame.file, specimen, frame.half, frame.quad))
    return planned


def _flat_size(quad: NDArray[np.float32]) -> tuple[int, int]:
    width = max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3]))
    height = max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1]))
    return max(8, round(float(width))), max(8, round(float(height)))


def _rect(size: tuple[int, int]) -> NDArray[np.float32]:
    w, h = size
    return np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)


def light_field(flat_grey_copy: RGB) -> Float:
    """The light on the flat grey copy, per channel in linear light (0-1, white paper under it): the upper
    envelope of the print (grey closing over a sixth of the document's shorter side, which removes text, the
    portrait and the guilloche of a grey print), then blurred over half that."""
    linear = (flat_grey_copy.astype(np.float32) / 255.0) ** GAMMA
    side = max(3, round(min(flat_grey_copy.shape[:2]) / 6) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    closed = cv2.morphologyEx(linear, cv2.MORPH_CLOSE, kernel)
    return np.asarray(cv2.GaussianBlur(closed, (0, 0), side / 2), dtype=np.float32)


def _sharpness(gray: Float) -> float:
    """Share of the signal's energy at the finest scale: var(Laplacian) / var(signal)."""
    return float(cv2.Laplacian(gray, cv2.CV_32F).var() / max(float(gray.var()), 1e-9))


def _noise(region: Float) -> NDArray[np.float64]:
    """Per-channel sensor noise (8-bit units): robust spread of the pixel minus its 3x3 median."""
    out = []
    for c in range(3):
        channel = np.ascontiguousarray(region[..., c])
        residual = channel - cv2.medianBlur(channel, 3)
        out.append(1.4826 * float(np.median(np.abs(residual - np.median(residual)))))
    return np.array(out)


def make(frame_rgb: RGB, quad: Quad, specimen_rgb: RGB, seed: int) -> RGB:
    """The frame with `specimen_rgb` in `quad`, under the frame's light, blur and noise."""
    corners = np.array(quad, np.float32)
    size = _flat_size(corners)
    to_flat = cv2.getPerspectiveTransform(corners, _rect(size))
    flat_frame = np.asarray(cv2.warpPerspective(frame_rgb, to_flat, size, flags=cv2.INTER_AREA), np.uint8)
    # The light, estimated on a small flat view and brought back to the document's size.
    scale = min(1.0, LIGHT_SIDE / max(size))
    small = (max(8, round(size[0] * scale)), max(8, round(size[1] * scale)))
    light = light_field(np.asarray(cv2.resize(flat_frame, small, interpolation=cv2.INTER_AREA), np.uint8))
    light = np.asarray(cv2.resize(light, size, interpolation=cv2.INTER_LINEAR), np.float32)
    # The specimen's reflectance (its own white ground ~1), times the light, re-encoded.
    spec = np.asarray(cv2.resize(specimen_rgb, size, interpolation=cv2.INTER_AREA), np.float32) / 255.0
    flat = np.clip(spec**GAMMA * light, 0.0, 1.0) ** (1.0 / GAMMA) * 255.0
    # The frame's blur: the Gaussian that gives the composite the sharpness of the grey copy in the frame.
    target = _sharpness(cv2.GaussianBlur(flat_frame.astype(np.float32).mean(axis=2), (3, 3), 0))
    grey = flat.mean(axis=2).astype(np.float32)
    best = min(
        SIGMAS,
        key=lambda s: abs(
            np.log(_sharpness(cv2.GaussianBlur(cv2.GaussianBlur(grey, (0, 0), s) if s else grey, (3, 3), 0)))
            - np.log(target)
        ),
    )
    if best:
        flat = np.asarray(cv2.GaussianBlur(flat, (0, 0), best), np.float32)
    # Into the frame, with a feathered edge, then the frame's noise.
    to_frame = cv2.getPerspectiveTransform(_rect(size), corners)
    h, w = frame_rgb.shape[:2]
    warped = np.asarray(cv2.warpPerspective(flat, to_frame, (w, h), flags=cv2.INTER_LINEAR), np.float32)
    mask = cv2.warpPerspective(np.ones((size[1], size[0]), np.float32), to_frame, (w, h), flags=cv2.INTER_LINEAR)
    mask = np.asarray(cv2.GaussianBlur(mask, (5, 5), 0), np.float32)[..., None]
    noise_sd = _noise(flat_frame.astype(np.float32))
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(frame_rgb.shape).astype(np.float32) * noise_sd.astype(np.float32)
    out = frame_rgb.astype(np.float32) * (1 - mask) + (warped + noise) * mask
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def build(force: bool = False, progress: bool = False) -> list[Composite]:
    """Write every planned composite to CACHE (skipped when present and of this VERSION); returns the list."""
    CACHE.mkdir(parents=True, exist_ok=True)
    planned = plan()
    stamp = CACHE / "VERSION"
    if force or not stamp.is_file() or stamp.read_text().strip() != VERSION:
        for old in CACHE.glob("*.jpg"):
            old.unlink()
    frame_cache: dict[str, RGB] = {}
    for n, comp in enumerate(planned, 1):
        if comp.path.is_file():
            continue
        if comp.frame not in frame_cache:
            frame_cache.clear()
            frame_cache[comp.frame] = _read(CORPUS / comp.frame)
        rgb = make(frame_cache[comp.frame], comp.quad, _read(CORPUS / comp.specimen), _seed(comp.name))
        ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
        if not ok:
            raise RuntimeError(f"could not encode {comp.name}")
        comp.path.write_bytes(encoded.tobytes())
        if progress:
            print(f"[{n:3d}/{len(planned)}] {comp.name}", file=sys.stderr)
    lines = ["name\tframe\tspecimen\thalf\tquad"]
    lines += [f"{c.name}\t{c.frame}\t{c.specimen}\t{c.half}\t{json.dumps(c.quad)}" for c in planned]
    (CACHE / "index.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    stamp.write_text(VERSION + "\n")
    return planned


def main() -> int:
    parser = argparse.ArgumentParser(description="Colour specimens under the light of the DLC-2021 frames.")
    parser.add_argument("--force", action="store_true", help="rebuild every composite")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS.resolve()}: bench.colour_composites needs ../shared/corpus")
    built = build(force=args.force, progress=True)
    print(f"{len(built)} composites (label: composite) in {CACHE}")
    for comp in built:
        print(f"composite\t{comp.half}\t{comp.name}\t{comp.specimen}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
