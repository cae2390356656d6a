"""Face measures ordered on seeded images: more of a defect moves the number the documented way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.fixtures.documents import encode_jpeg
from tests.fixtures.selfies import Scene, applicant_card, compose_selfie
from workers.checks.capture import Capture
from workers.checks.face import docmatch, measures, models, views
from workers.checks.face.chip import FaceChip, align
from workers.checks.spectrum import periodic_peak


def _chip(scene: Scene) -> FaceChip:
    capture = Capture(encode_jpeg(compose_selfie(scene).rgb), "selfie.jpg")
    return align(capture.rgb, views.selfie_faces(capture)[0])


@pytest.fixture(scope="module")
def clean() -> FaceChip:
    return _chip(Scene(seed=3))


def test_model_files_are_the_5_point_and_resnet_ones_only() -> None:
    assert models.model_path(models.LANDMARKS_5).name == "shape_predictor_5_face_landmarks.dat"
    assert models.model_path(models.ENCODER).is_file()
    package = Path(models.__file__).parent
    # The 68-point model's licence excludes commercial use: no face module may even name it.
    assert not any("68_face" in p.read_text() for p in package.glob("*.py"))


def test_sharpness_falls_with_blur(clean: FaceChip) -> None:
    values = [measures.face_sharpness(clean)] + [
        measures.face_sharpness(_chip(Scene(seed=3, face_blur=s))) for s in (2.0, 6.0)
    ]
    assert values[0] > values[1] > values[2]


def test_brightness_falls_when_dimmed(clean: FaceChip) -> None:
    dim = FaceChip(rgb=(clean.rgb * 0.4).astype(np.uint8), eyes=clean.eyes, nose=clean.nose)
    assert measures.face_brightness(dim) < 0.5 * measures.face_brightness(clean)


def test_side_light_ratio_falls_with_side_light(clean: FaceChip) -> None:
    assert measures.side_light_ratio(_chip(Scene(seed=3, light="side"))) < measures.side_light_ratio(clean)


def test_backlight_ratio_falls_against_a_window(clean: FaceChip) -> None:
    def ratio(scene: Scene) -> float:
        capture = Capture(encode_jpeg(compose_selfie(scene).rgb), "s.jpg")
        face = views.selfie_faces(capture)[0]
        view = capture.downscaled(400, gray=True)
        k = view.shape[1] / capture.width
        return measures.backlight_ratio(align(capture.rgb, face), view, np.asarray(face.box) * k)

    assert ratio(Scene(seed=3, light="backlit")) < 0.5 * ratio(Scene(seed=3))


def test_sunglasses_make_the_eyes_darker_and_flatter(clean: FaceChip) -> None:
    covered = _chip(Scene(seed=3, sunglasses=True))
    assert measures.eye_darkness(covered) < measures.eye_darkness(clean)
    assert measures.eye_contrast(covered) < measures.eye_contrast(clean)


def test_mask_hides_the_skin_of_mouth_and_chin(clean: FaceChip) -> None:
    # Paint the region under the nose mask-blue on the clean chip (a masked face is rarely detected at all).
    rgb = clean.rgb.copy()
    x, y = (round(v) for v in clean.nose)
    cv2.rectangle(rgb, (x - 40, y + 5), (x + 40, y + 80), (175, 205, 228), -1)
    masked = FaceChip(rgb=rgb, eyes=clean.eyes, nose=clean.nose)
    assert measures.lower_face_skin(masked) < measures.lower_face_skin(clean) - 0.5


def test_headwear_is_coloured_like_neither_skin_nor_hair(clean: FaceChip) -> None:
    hat = _chip(Scene(seed=3, hat=True))
    assert measures.headwear_fraction(hat) > measures.headwear_fraction(clean) + 0.5

    def painted(rgb_colour: tuple[int, int, int]) -> float:
        # A band over the upper forehead (0.8-1.3 eye distances above the eyes, around the measured band at one eye
        # distance) painted one colour, as a fringe or a cap.
        rgb = clean.rgb.copy()
        top, bottom = (round(clean.offset(0, dy)[1]) for dy in (-1.3, -0.8))
        rgb[top:bottom] = rgb_colour
        return measures.headwear_fraction(FaceChip(rgb=rgb, eyes=clean.eyes, nose=clean.nose))

    dark_brown_fringe, black_hair, olive_cap, navy_cap, red_cap = (
        painted(c) for c in ((70, 48, 30), (25, 22, 20), (85, 100, 45), (30, 35, 70), (190, 30, 40))
    )
    assert max(dark_brown_fringe, black_hair) < min(olive_cap, navy_cap, red_cap) - 0.5


def test_periodic_pattern_rises_on_a_photographed_screen() -> None:
    def strength(scene: Scene) -> float:
        capture = Capture(encode_jpeg(compose_selfie(scene).rgb), "s.jpg")
        x0, y0, x1, y1 = (round(v) for v in views.selfie_faces(capture)[0].box)
        return periodic_peak(capture.gray[y0:y1, x0:x1])

    assert strength(Scene(seed=3, screen=True)) > 4 * strength(Scene(seed=3))


def data_camera() -> np.ndarray:
    from skimage import data

    load: Callable[[], np.ndarray] = data.camera  # skimage ships no type hints
    return np.asarray(load(), dtype=np.uint8)


def _gray_card(rgb: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return np.asarray(cv2.resize(gray, (640, 400), interpolation=cv2.INTER_AREA), dtype=np.uint8)


def test_content_contradiction_orders_same_card_below_a_card_with_another_portrait() -> None:
    ref = _gray_card(applicant_card(seed=3))
    dim_noisy = np.clip(ref * 0.6 + np.random.default_rng(0).normal(0, 6, ref.shape), 0, 255).astype(np.uint8)
    # Same design, data and guilloche; another person's portrait in the photo slot.
    other = applicant_card(seed=3)
    other[100:490, 40:340] = cv2.resize(np.dstack([data_camera()[40:300, 150:350]] * 3), (300, 390))
    assert docmatch.content_contradiction(ref, dim_noisy) < docmatch.content_contradiction(ref, _gray_card(other))
