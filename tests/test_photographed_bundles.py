"""Whole bundles as applicants really send them, by verdict: photos of their own documents on a table, at phone
size, turned by an orientation tag, an e-statement exported as PNG, a bill scanned upside down. Each is a
good bundle and must come back `ready`.

Most tests upload flat renders as the ID; every false failure in this file was found on inputs like these
(the card matched as the whole table photo, a white e-statement failed as overexposed and as one page-sized
glare, an upside-down bill failed the name check).
"""

from __future__ import annotations

import io
import json
from datetime import date

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from tests.fixtures.degrade import scene
from tests.fixtures.documents import encode_jpeg, encode_png, render_bill
from tests.fixtures.engine_runs import run_engine
from tests.integration.payload import good_bundle, manifest, selfie
from workers.checks.manifest import parse_manifest
from workers.checks.model import BundleVerdict

RGB = NDArray[np.uint8]


def phone_jpeg(display: RGB, *, orientation: int = 1, side: int | None = None) -> bytes:
    """A camera app's JPEG of `display`: Make/Model written, enlarged to `side` px on its long side, and
    stored turned with an EXIF orientation tag (6: the viewer turns it 90 degrees clockwise; 8: anticlockwise)."""
    if side is not None:
        scale = side / max(display.shape[:2])
        size = (round(display.shape[1] * scale), round(display.shape[0] * scale))
        display = np.asarray(cv2.resize(display, size, interpolation=cv2.INTER_CUBIC), dtype=np.uint8)
    stored = np.ascontiguousarray(np.rot90(display, {1: 0, 6: 1, 8: 3}[orientation]))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Google", "Pixel 8", orientation
    out = io.BytesIO()
    Image.fromarray(stored).save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def white_estatement() -> RGB:
    page = render_bill(seed=1).copy()
    page[page.min(axis=2) > 225] = 255  # a PDF export's paper
    return page


def check(id_file: bytes, bill_file: bytes) -> BundleVerdict:
    doc = good_bundle("P-1", "p")
    doc["documents"][0]["type"] = "id_card"
    del doc["documents"][0]["declared"]  # the card's own data is read from it
    spec = parse_manifest(json.dumps(manifest(doc)).encode()).bundles[0]
    files = {"p/id.jpg": id_file, "p/selfie.jpg": selfie(0), "p/bill.jpg": bill_file}
    return run_engine(spec, files, submit_on=date(2026, 12, 1))


def card_photo(seed: int) -> RGB:
    return scene("none", seed=seed, kind="id_card").rgb


def bill_photo(seed: int) -> RGB:
    return scene("none", seed=seed, kind="bill").rgb


BUNDLES = {
    "card and bill photographed on a table": lambda: (encode_jpeg(card_photo(0)), encode_jpeg(bill_photo(0))),
    "12 MP photos stored turned (EXIF orientation 6 and 8)": lambda: (
        phone_jpeg(card_photo(4), orientation=6, side=4032),
        phone_jpeg(bill_photo(4), orientation=8, side=4032),
    ),
    "e-statement exported as PNG": lambda: (encode_jpeg(card_photo(8)), encode_png(white_estatement())),
    "bill scanned upside down": lambda: (
        encode_jpeg(card_photo(0)),
        encode_jpeg(np.ascontiguousarray(render_bill(seed=2)[::-1, ::-1]), camera=False),
    ),
}


@pytest.mark.parametrize("name", list(BUNDLES))
def test_good_bundle_as_sent_is_ready(name: str) -> None:
    id_file, bill_file = BUNDLES[name]()
    verdict = check(id_file, bill_file)
    problems = [f"{f.code} ({f.document}): {f.message}" for f in verdict.findings if f.status.value != "pass"]
    assert verdict.verdict.value == "ready", problems
