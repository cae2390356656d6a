"""The Capture decodes once and shows every check the upright image."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import numpy as np
from PIL import Image

from tests.fixtures.documents import render_id_card
from workers.checks.capture import Capture, DecodeProblem, Fact

CHECKS = Path(__file__).resolve().parents[1] / "workers" / "checks"


def _jpeg(rgb: np.ndarray, orientation: int | None) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    Image.fromarray(rgb).save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def test_exif_orientation_is_applied_once_for_every_view() -> None:
    card = render_id_card(width=640)  # landscape: 640 x 404
    stored_sideways = np.ascontiguousarray(np.rot90(card, k=1))  # the camera stored it rotated
    upright = Capture(_jpeg(stored_sideways, orientation=6), "id.jpg")  # 6: rotate 90 degrees clockwise to view
    assert (upright.width, upright.height) == (640, 404)
    assert upright.gray.shape == (404, 640)
    plain = Capture(_jpeg(card, orientation=None), "id.jpg")
    assert (plain.width, plain.height) == (640, 404)
    assert float(np.abs(upright.gray.astype(int) - plain.gray.astype(int)).mean()) < 6


def test_greyscale_and_palette_pngs_become_rgb() -> None:
    out = io.BytesIO()
    Image.fromarray(render_id_card(width=320)[:, :, 0]).save(out, "PNG")
    capture = Capture(out.getvalue(), "grey.png")
    assert capture.rgb.shape == (202, 320, 3)


def test_views_are_shared_not_recomputed() -> None:
    capture = Capture(_jpeg(render_id_card(width=640), None), "id.jpg")
    assert capture.downscaled(320) is capture.downscaled(320)
    assert capture.gray is capture.gray
    assert max(capture.downscaled(320).shape[:2]) == 320


def test_halvings_average_two_by_two_blocks() -> None:
    capture = Capture(_jpeg(render_id_card(width=641), None), "id.jpg")
    full = capture.rgb.astype(np.float64)
    h, w = full.shape[0] // 2 * 2, full.shape[1] // 2 * 2
    blocks = full[:h, :w].reshape(h // 2, 2, w // 2, 2, 3).mean(axis=(1, 3))
    assert capture.halved(1).shape == blocks.shape  # the odd last column is dropped
    assert np.abs(capture.halved(1) - blocks).max() <= 0.5 + 1e-9  # the mean, rounded
    assert capture.halved(2).shape[1] == w // 4
    assert capture.halved(0) is capture.rgb and capture.halved(2) is capture.halved(2)


def test_a_declared_giant_is_refused_before_decoding() -> None:
    capture = Capture(_jpeg(render_id_card(width=640), None), "id.jpg", max_pixels=100_000)
    assert capture.problem is DecodeProblem.BOMB and not capture.decodes


def _declared_facts() -> dict[str, list[str]]:
    """Every Fact key the engine declares (a module-level `NAME: Fact[...] = Fact("name")`): its name -> the
    modules declaring one, read from the source (a key imported elsewhere is not a declaration)."""
    owners: dict[str, list[str]] = {}
    for path in sorted(CHECKS.rglob("*.py")):
        for node in ast.parse(path.read_text(), filename=str(path)).body:
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            if (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id == "Fact"
                and value.args
                and isinstance(value.args[0], ast.Constant)
            ):
                module = ".".join(path.relative_to(CHECKS.parents[1]).with_suffix("").parts)
                owners.setdefault(str(value.args[0].value), []).append(module)
    return owners


def test_every_fact_has_one_owner_and_a_name_in_its_owner_s_domain() -> None:
    owners = _declared_facts()
    # The facts the checks hand each other: the outline, the MRZ reading, the page text, the faces, provenance.
    assert {"locate.document_outline", "identity.mrz", "identity.page_lines", "face.selfie_faces"} <= owners.keys()
    assert {"authenticity.metadata", "files.screen_evidence"} <= owners.keys()
    shared = {name: modules for name, modules in owners.items() if len(modules) > 1}
    assert shared == {}
    # A fact is named after the package (or module) that owns it: "quality.held_outline" lives in quality.
    misplaced = {name: modules[0] for name, modules in owners.items() if modules[0].split(".")[2] != name.split(".")[0]}
    assert misplaced == {}


def test_a_fact_s_parameters_make_a_distinct_fact() -> None:
    capture = Capture(data=b"", filename="x")
    key: Fact[int] = Fact("test.sized")
    assert capture.cached(key.at(1), lambda: 1) == 1
    assert capture.cached(key.at(2), lambda: 2) == 2
    assert capture.cached(key.at(1), lambda: 3) == 1
    assert capture.computed(key) is None
