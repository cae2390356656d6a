"""Capture-quality measures, tested by ordering on seeded generated images: more of a defect, worse score."""

from __future__ import annotations

import cv2
import numpy as np

from tests.fixtures.degrade import (
    add_glare,
    clean_document,
    cluttered_background,
    photocopy,
    plain_background,
)
from workers.checks.locate.geometry import order_corners, tilt_degrees
from workers.checks.locate.text import text_fraction
from workers.checks.quality import chroma, crossing, measures
from workers.checks.quality import thresholds as t
from workers.checks.spectrum import periodic_peak


def _gray(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)


def _resized(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def test_sharpness_falls_as_blur_grows() -> None:
    card = clean_document("id_card", 0)
    scores = [measures.edge_steepness(_gray(cv2.GaussianBlur(card, (0, 0), s))) for s in (0.5, 1.5, 3.0, 5.0)]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 2 * scores[-1]


def test_glare_share_grows_with_glare_strength() -> None:
    card = _resized(clean_document("passport", 1), (640, 450))
    assert measures.glare_mask(card).mean() == 0.0
    shares = []
    for strength in (1.0, 1.3, 1.6):
        glared, _ = add_glare(card, np.random.default_rng(3), strength)
        shares.append(float(measures.glare_mask(glared).mean()))
    assert shares == sorted(shares)
    assert shares[-1] > 0.02


def test_falloff_grows_with_shadow_depth() -> None:
    card = _resized(clean_document("id_card", 2), (256, 161)).astype(np.float32)
    ramp = np.linspace(0, 1, card.shape[1], dtype=np.float32)[None, :, None]
    values = [
        measures.illumination_falloff(np.clip(card * (d + (1 - d) * ramp), 0, 255).astype(np.uint8))
        for d in (1.0, 0.8, 0.6, 0.4)
    ]
    assert values == sorted(values)
    assert values[0] < 0.2 < values[-1]


def test_a_colour_cards_own_print_fading_from_blue_to_white_is_not_light_falling_off() -> None:
    # The genuine Slovak card (svk IMG_2186) is printed sky blue on one side and pale yellow-white on the other:
    # in grey levels the blue half read as a shadow (0.353, over the 0.35 limit). Light is read from the most
    # reflective channel: blue print reflects its blue as paper does; a shadow darkens every channel.
    from workers.checks.quality.thresholds import MAX_FALLOFF

    h, w = 161, 256
    across = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    blue, white = np.array([120, 200, 240], np.float32), np.array([250, 248, 240], np.float32)
    card = np.broadcast_to(blue + (white - blue) * across, (h, w, 3))
    printed = np.clip(card, 0, 255).astype(np.uint8)
    shadowed = np.clip(card * (0.5 + 0.5 * across), 0, 255).astype(np.uint8)
    assert measures.illumination_falloff(printed) < 0.1 < MAX_FALLOFF < measures.illumination_falloff(shadowed)


def test_brightness_and_clipping_follow_exposure() -> None:
    card = clean_document("passport", 0).astype(np.float32)
    levels = [measures.bright_level(np.clip(card * g, 0, 255).astype(np.uint8)) for g in (0.2, 0.5, 1.0)]
    clipped = [measures.clipped_fraction(np.clip(card * g, 0, 255).astype(np.uint8)) for g in (1.0, 1.5, 2.5)]
    assert levels == sorted(levels) and levels[0] < 60
    assert clipped == sorted(clipped) and clipped[-1] > 0.5


def _under_light(rgb: np.ndarray, tint: tuple[float, float, float]) -> np.ndarray:
    """`rgb` photographed under a coloured light: each channel scaled, with a fall-off across the document."""
    ramp = np.linspace(1.0, 0.7, rgb.shape[1], dtype=np.float32)[None, :, None]
    return np.asarray(np.clip(rgb.astype(np.float32) * np.array(tint, np.float32) * ramp, 0, 255), dtype=np.uint8)


def test_photocopy_has_less_print_chroma_under_any_light() -> None:
    # A grey copy under a warm (tungsten) and a cool (shade) cast reads lower than the colour card under the same
    # cast. Generated: copies 0.0-0.1, cards 10+ (ID card) and 4.5+ (passport): each far from the limit (4).
    for kind in ("id_card", "passport"):
        card = _resized(clean_document(kind, 1), (256, 170))
        copy = _resized(photocopy(clean_document(kind, 1), np.random.default_rng(0)), (256, 170))
        for tint in ((1.0, 1.0, 1.0), (1.0, 0.82, 0.55), (0.7, 0.85, 1.0)):
            grey, colour = chroma.print_chroma(_under_light(copy, tint)), chroma.print_chroma(_under_light(card, tint))
            assert grey < 1.0 < 3.0 < colour, (kind, tint, grey, colour)


def test_screen_grid_raises_periodic_peak() -> None:
    card = clean_document("id_card", 0)
    gray = _gray(card).astype(np.float32)
    yy, xx = np.mgrid[0 : gray.shape[0], 0 : gray.shape[1]].astype(np.float32)
    u = xx * np.cos(0.2) + yy * np.sin(0.2)
    peaks = [
        periodic_peak(np.clip(gray * (1 - depth * (0.5 - 0.5 * np.cos(2 * np.pi * u / 4.3))), 0, 255).astype(np.uint8))
        for depth in (0.0, 0.1, 0.4)
    ]
    assert peaks == sorted(peaks)
    assert peaks[-1] > 5 * peaks[0]


def test_skin_over_the_edge_counts_as_occlusion() -> None:
    card = _resized(clean_document("id_card", 3), (400, 252))
    assert measures.edge_occlusion(card) < 0.02
    covered = []
    for depth in (40, 90):
        finger = card.copy()
        cv2.line(finger, (0, 200), (depth, 200), (214, 160, 125), 45)
        covered.append(measures.edge_occlusion(finger))
    assert covered == sorted(covered) and covered[-1] > 0.05


def test_a_strip_along_the_edge_is_no_cover_but_fingers_across_it_are() -> None:
    """A strip of brown table the outline took in along a grey copy's side is skin-coloured and enters from the
    edge, as a finger does, but it lies along the edge; fingers cross it (straight in, across a corner, or laid
    along the edge, 5 times as long as deep). Only the strip is left out, and the elongation orders them."""
    copy = _resized(photocopy(clean_document("id_card", 3), np.random.default_rng(0)), (400, 252))
    strip, straight, corner, along = copy.copy(), copy.copy(), copy.copy(), copy.copy()
    strip[:, :14] = (150, 105, 70)  # wood, 14 px deep along the whole left side
    cv2.line(straight, (0, 126), (70, 126), (214, 160, 125), 30)
    cv2.fillPoly(corner, [np.array([[0, 0], [60, 0], [0, 60]], np.int32)], (214, 160, 125))
    cv2.rectangle(along, (150, 0), (250, 20), (214, 160, 125), -1)
    masks = [measures.finger_mask(image) for image in (straight, corner, along, strip)]
    elongations = [measures.along_edge_elongation(mask) for mask in masks]
    assert elongations == sorted(elongations) and elongations[2] <= 6 < 10 < elongations[3], elongations
    assert measures.covered_share(masks[3]) > t.MAX_OCCLUSION
    assert not measures.without_edge_strips(masks[3], t.MAX_COVER_ELONGATION).any()
    for mask in masks[:3]:
        kept = measures.without_edge_strips(mask, t.MAX_COVER_ELONGATION)
        assert measures.covered_share(kept) == measures.covered_share(mask) > 0.01


def test_fingers_on_a_greyscale_copy_do_not_make_it_colourful() -> None:
    # A photocopy held in a hand: the fingers are the only colour, and leaving them out reads the copy grey.
    copy = _resized(photocopy(clean_document("id_card", 3), np.random.default_rng(0)), (400, 252))
    held = copy.copy()
    for y in (60, 130, 200):
        cv2.line(held, (0, y), (60, y), (214, 160, 125), 30)
    fingers = measures.finger_mask(held)
    assert measures.covered_share(fingers) == measures.edge_occlusion(held) > 0.03
    # Inside a 3 % margin, as the check reads it: the outer 1 % is never marked as fingers.
    inner, inner_fingers = held[8:-8, 12:-12], fingers[8:-8, 12:-12]
    assert chroma.print_chroma(inner, ignore=inner_fingers) < 1.0 < 5.0 < chroma.print_chroma(inner)
    assert not measures.finger_mask(copy).any()


def _on_table(document: np.ndarray, margin: int) -> np.ndarray:
    """`document` lying on a brown table, `margin` px of it showing all round (a surround crop)."""
    h, w = document.shape[:2]
    table = np.empty((h + 2 * margin, w + 2 * margin, 3), np.uint8)
    table[:] = (120, 84, 52)
    table[margin : margin + h, margin : margin + w] = document
    return table


def test_colour_crossing_the_edge_is_not_print() -> None:
    # A magenta marker over a grey copy's edge runs on onto the table: it is left out, and the copy reads grey.
    # A colour card's blue band along its edge stops there (the table beyond is brown): it stays print.
    margin = 26
    copy = _resized(photocopy(clean_document("id_card", 3), np.random.default_rng(0)), (256, 161))
    card = _resized(clean_document("id_card", 3), (256, 161))
    card[:14] = (30, 60, 200)
    marked = _on_table(copy, margin)
    cv2.ellipse(marked, (margin + 40, margin + 161), (30, 50), 20, 0, 360, (230, 40, 160), -1)
    scenes = {"grey copy, marker over its edge": marked, "colour card, band along its edge": _on_table(card, margin)}
    crossing_share, chroma_read, chroma_left_out = {}, {}, {}
    for name, scene in scenes.items():
        scene = np.asarray(cv2.GaussianBlur(scene, (0, 0), 1.0), dtype=np.uint8)
        nothing = np.zeros((161, 256), bool)
        found = crossing.crossing_colour(scene, np.ones(scene.shape[:2], bool), margin, nothing)
        document, inner = scene[margin:-margin, margin:-margin], (slice(5, -5), slice(8, -8))
        crossing_share[name] = float(found.mean())
        chroma_read[name] = chroma.print_chroma(document[inner])
        chroma_left_out[name] = chroma.print_chroma(document[inner], ignore=found[inner])
    marker, band = scenes
    assert crossing_share[marker] > 0.05 and crossing_share[band] == 0.0, crossing_share
    assert chroma_left_out[marker] < 1.0 < 5.0 < chroma_read[marker], (chroma_left_out, chroma_read)
    assert chroma_left_out[band] == chroma_read[band] > 5.0


def test_a_marker_over_a_corner_runs_on_past_one_side_and_ends_at_the_other() -> None:
    # A magenta marker lies over a grey copy's lower-left corner: its body runs on past the left side onto
    # the table, its tip ends just past the bottom side, where the table shows. Most of its edge pixels are
    # along the bottom: judged all together, its colour would not be found beyond the edge; side by side, the
    # left side (over a third of them) shows it running on.
    margin = 26
    copy = _resized(photocopy(clean_document("id_card", 3), np.random.default_rng(0)), (256, 161))
    scene = _on_table(copy, margin)
    body = np.array([[0, margin + 90], [margin + 110, margin + 135], [margin + 110, margin + 166], [0, margin + 166]])
    cv2.fillConvexPoly(scene, body, (230, 40, 160))
    cv2.ellipse(scene, (margin + 110, margin + 153), (14, 13), 0, 0, 360, (230, 40, 160), -1)
    scene = np.asarray(cv2.GaussianBlur(scene, (0, 0), 1.0), dtype=np.uint8)
    nothing = np.zeros((161, 256), bool)
    found = crossing.crossing_colour(scene, np.ones(scene.shape[:2], bool), margin, nothing)
    assert found.mean() > 0.05
    (_blob, core), *_ = crossing._colourful_blobs(scene[margin:-margin, margin:-margin], nothing)
    lab, seen = crossing._lab(scene), np.ones(scene.shape[:2], bool)
    assert crossing._runs_on(core, lab, seen, margin, by_side=True) is True
    assert crossing._runs_on(core, lab, seen, margin) is False  # all sides together: the table below wins


def test_clutter_is_denser_than_a_plain_table() -> None:
    rng = np.random.default_rng(0)
    document = np.zeros((480, 640), bool)
    document[140:340, 160:480] = True
    plain = measures.background_clutter(_gray(plain_background(rng, 640, 480)), document)
    busy = measures.background_clutter(_gray(cluttered_background(rng, 640, 480)), document)
    assert plain < 0.003 < busy


def test_tilt_grows_with_foreshortening() -> None:
    rect = np.array([[500, 400], [1100, 400], [1100, 800], [500, 800]], np.float64)
    tilts = []
    for squeeze in (0.0, 60.0, 150.0):
        quad = rect.copy()
        quad[0, 0] += squeeze
        quad[1, 0] -= squeeze
        tilts.append(tilt_degrees(order_corners(quad), (1600, 1200)))
    assert tilts[0] < 1.0
    assert tilts == sorted(tilts)


def test_text_lines_are_found_on_documents_not_on_tables() -> None:
    bill = _resized(clean_document("bill", 0), (450, 636))
    table = plain_background(np.random.default_rng(1), 640, 480)
    assert text_fraction(_gray(bill)) > 0.015 > text_fraction(_gray(table))
