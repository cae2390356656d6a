"""Pure measures on face chips and pixels: ndarray in, one number out, each saying what the number means.

Thresholds live with the checks (checks_*.py); these functions only measure.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.face.chip import EYE_DISTANCE, FaceChip


def _mean(patch: NDArray[np.uint8]) -> float:
    return float(patch.mean()) if patch.size else 0.0


def face_sharpness(chip: FaceChip) -> float:
    """Variance of the Laplacian over the central face (eyes to mouth) of the chip: higher is sharper.

    The chip has a fixed eye distance, so the value does not depend on how large the face is in the photo.
    """
    centre = chip.patch(chip.offset(0, 0.55), 0.9, 0.8).astype(np.float64)
    if not centre.size:
        return 0.0
    if chip.scale > 1:
        # A small face was enlarged into the chip, which smooths it like blur: it is judged at the photo's own
        # resolution instead. Real photos: the LFW 250 x 250 faces (eye distance 38-46 px) read 20-60 enlarged
        # and four sharp ones were called blurry; at their own size the sharp ones read 57-753, the defocused
        # one 13 (bench/realworld_faces.py). Faces with 64+ px between the eyes (every fixture) are unchanged.
        size = (max(1, round(centre.shape[1] / chip.scale)), max(1, round(centre.shape[0] / chip.scale)))
        centre = np.asarray(cv2.resize(centre, size, interpolation=cv2.INTER_AREA), dtype=np.float64)
    # Scaled to a mean grey of 128 so that a dim but sharp face is not called blurry (Laplacian ~ contrast).
    centre *= 128 / max(float(centre.mean()), 1.0)
    return float(cv2.Laplacian(centre, cv2.CV_64F).var())


def face_brightness(chip: FaceChip) -> float:
    """Mean grey level (0-255) of the central face, eyes to mouth."""
    return _mean(chip.patch(chip.offset(0, 0.55), 0.8, 0.7))


def backlight_ratio(chip: FaceChip, gray_frame: NDArray[np.uint8], face_box: NDArray[np.float64]) -> float:
    """Face brightness / median brightness of the picture around it: under 1, the face is the darker part.

    `gray_frame` is any downscaled grey view of the picture and `face_box` the face box in its coordinates;
    the face and twice its width around it are left out of the background.
    """
    h, w = gray_frame.shape
    fw = face_box[2] - face_box[0]
    mask = np.ones((h, w), bool)
    x0, y0 = max(0, round(face_box[0] - fw)), max(0, round(face_box[1] - fw))
    mask[y0 : round(face_box[3] + fw), x0 : round(face_box[2] + fw)] = False
    background = float(np.median(gray_frame[mask])) if mask.any() else float(np.median(gray_frame))
    return face_brightness(chip) / max(background, 1.0)


def side_light_ratio(chip: FaceChip) -> float:
    """Mean brightness of the darker half of the face / that of the brighter half (1 = evenly lit)."""
    left = _mean(chip.patch(chip.offset(-0.5, 0.45), 0.4, 0.7))
    right = _mean(chip.patch(chip.offset(0.5, 0.45), 0.4, 0.7))
    return min(left, right) / max(left, right, 1.0)


def _cheeks(chip: FaceChip) -> list[NDArray[np.uint8]]:
    """Grey patches on both cheeks, 0.6 eye distances below the eyes: under any sunglasses, above any mask."""
    return [chip.patch(chip.offset(dx, 0.6), 0.15, 0.12) for dx in (-0.5, 0.5)]


def _skin_reference(chip: FaceChip, depth: float) -> NDArray[np.uint8]:
    """RGB pixels of a thin band on both cheeks `depth` eye distances below the eyes: the skin colour the rest
    of the face is compared with."""
    return np.concatenate(
        [chip.patch(chip.offset(dx, depth), 0.15, 0.1, gray=False).reshape(-1, 3) for dx in (-0.5, 0.5)]
    )


# Reference depths. Under the eyes (0.3-0.5 below them): hats and masks leave it visible, but real
# sunglasses cover it, and the lens then became the "skin": on the LFW photos the chin read as masked and
# the eyes as bare (bench/realworld_faces.py, calibration half: Bono_0002/0003 falsely SELFIE_FACE_MASK,
# sunglasses caught 0/2). Lower on the cheeks (0.52-0.72) is below every lens in the corpus and above the
# nose base (0.55-0.93), where a mask pulled under the nose starts: the eyes and the chin are compared with it.
# The forehead is compared with both (headwear_fraction): with the lower one alone two clean LFW foreheads
# (Bono_0001, a lipstick mark on that cheek; Tiger_Woods_0009) read as not skin, with the upper one alone a
# sunglasses lens became the reference (Jack_Nicholson_0001).
UNDER_EYE_DEPTH = 0.4
LOWER_CHEEK_DEPTH = 0.62


def eye_darkness(chip: FaceChip) -> float:
    """Mean brightness of the eye regions / the cheeks': ~0.6-0.9 for open eyes, low behind dark lenses."""
    eyes = np.concatenate([chip.patch(e, 0.28, 0.14).ravel() for e in chip.eyes])
    cheeks = np.concatenate([c.ravel() for c in _cheeks(chip)])
    return float(eyes.mean()) / max(float(cheeks.mean()), 1.0) if eyes.size and cheeks.size else 1.0


def eye_contrast(chip: FaceChip) -> float:
    """Standard deviation of grey levels inside the eye regions / the cheeks' mean brightness.

    An open eye shows white sclera, a dark iris and lids (high); a lens shows one flat dark surface (low).
    """
    eyes = [chip.patch(e, 0.28, 0.14).astype(np.float64) for e in chip.eyes]
    cheeks = np.concatenate([c.ravel() for c in _cheeks(chip)])
    spread = float(np.mean([e.std() for e in eyes if e.size])) if any(e.size for e in eyes) else 0.0
    return spread / max(float(cheeks.mean()), 1.0) if cheeks.size else 0.0


def _lab(rgb: NDArray[np.uint8]) -> NDArray[np.float64]:
    """(n, 3) CIELAB of RGB pixels: OpenCV's 8-bit scale (L 0-255; a*, b* offset by 128, in CIELAB units)."""
    pixels = np.ascontiguousarray(rgb.reshape(-1, 3)[None])
    return np.asarray(cv2.cvtColor(pixels, cv2.COLOR_RGB2LAB)[0], dtype=np.float64)


def _skin_like(chip: FaceChip, lab: NDArray[np.float64], depth: float) -> NDArray[np.bool_] | None:
    """Which of the (n, 3) CIELAB pixels are coloured like the cheeks' skin `depth` below the eyes (a*b*
    closely, L loosely); None when the chip has no such cheeks."""
    skin = _skin_reference(chip, depth)
    if not skin.size:
        return None
    ref = np.median(_lab(skin.astype(np.uint8)), axis=0)
    chroma = np.hypot(lab[:, 1] - ref[1], lab[:, 2] - ref[2])
    # 12 a*b* units: skin of one face under one light varies by under ~10 (shadow, redness); cloth and hair
    # differ by more. Lightness may differ by 45 (of 255) before a pixel stops looking like the same skin.
    return np.asarray((chroma < 12) & (np.abs(lab[:, 0] - ref[0]) < 45))


def _skin_like_fraction(chip: FaceChip, region: NDArray[np.uint8], depth: float) -> float:
    """Fraction of `region`'s pixels coloured like the cheeks' skin `depth` below the eyes."""
    if not region.size:
        return 1.0
    close = _skin_like(chip, _lab(region), depth)
    return 1.0 if close is None else float(close.mean())


def eye_skin(chip: FaceChip) -> float:
    """Fraction of the eye regions (eye, lids and the skin around them) coloured like the cheeks' skin: an
    open eye is framed by lids and skin, a lens (dark, tinted or mirrored) by none."""
    pixels = [chip.patch(e, 0.35, 0.22, gray=False).reshape(-1, 3) for e in chip.eyes]
    return _skin_like_fraction(chip, np.concatenate(pixels)[None], LOWER_CHEEK_DEPTH)


def lower_face_skin(chip: FaceChip) -> float:
    """Fraction of the mouth-and-chin region that looks like skin: near 0 under a mask."""
    below_nose = chip.nose + np.array([0.0, 0.55]) * EYE_DISTANCE
    return _skin_like_fraction(chip, chip.patch(below_nose, 0.45, 0.35, gray=False), LOWER_CHEEK_DEPTH)


# Natural hair (coloured by melanin) lies between red and yellow: CIELAB hue angle 0-90 degrees, chroma up to
# ~35 for the reddest hair; black, grey and white hair are near neutral. "Near neutral" stops at chroma 6:
# calibration half (bench/realworld_faces.py), Tiger Woods' navy cap reads 0.78 with 6, 0.53 with 8, 0.27 with 10
# (the other three caps and hats 0.95-1.00 with any of them).
HAIR_MAX_HUE_DEGREES = 90.0
HAIR_MAX_CHROMA = 35.0
NEUTRAL_MAX_CHROMA = 6.0


def headwear_fraction(chip: FaceChip) -> float:
    """Fraction of the upper forehead (one eye distance above the eyes, a band as wide as the brows) coloured
    like neither the face's skin nor any natural hair: near 1 under a hat or cap of any colour but a hair colour,
    near 0 over bare skin or hair (a fringe, a receding hairline).

    Skin is judged against both cheek references (under the eyes and lower down), so a lens that covers one of
    them does not turn the forehead into "not skin"."""
    band = chip.patch(chip.offset(0, -1.0), 0.5, 0.12, gray=False)
    if not band.size:
        return 0.0
    lab = _lab(band)
    a, b = lab[:, 1] - 128.0, lab[:, 2] - 128.0
    chroma, hue = np.hypot(a, b), np.degrees(np.arctan2(b, a))
    hair = (chroma < NEUTRAL_MAX_CHROMA) | ((hue >= 0) & (hue <= HAIR_MAX_HUE_DEGREES) & (chroma <= HAIR_MAX_CHROMA))
    other = ~hair
    for depth in (UNDER_EYE_DEPTH, LOWER_CHEEK_DEPTH):
        skin = _skin_like(chip, lab, depth)
        if skin is not None:
            other &= ~skin
    return float(other.mean())
