"""FILE_TRAILING_DATA: bytes after a JPEG's end-of-image marker or a PNG's IEND chunk are a `review` finding.

The check is run as the engine runs it (tests.fixtures.filechecks.run), so a check that raises shows up as a
CHECK_ERROR finding instead of FILE_TRAILING_DATA, and fails these tests.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from tests.fixtures.documents import encode_jpeg, encode_png, render_id_card
from tests.fixtures.filechecks import clean_files, findings, individual_spec, run
from workers.checks.files.trailing import PADDING_MAX_BYTES, jpeg_image_end, png_image_end
from workers.checks.model import Finding, Status

CODE = "FILE_TRAILING_DATA"


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.txt", "not part of the photo " * 40)
    return out.getvalue()


def _id_finding(id_bytes: bytes) -> Finding:
    files = clean_files()
    spec = individual_spec()
    id_file = next(d.file for d in spec.documents if d.role == "id_document")
    files[id_file] = id_bytes
    verdict = run(spec, files)
    assert not findings(verdict, "CHECK_ERROR"), findings(verdict, "CHECK_ERROR")
    found = findings(verdict, CODE, "id_document")
    assert len(found) == 1, [f.code for f in verdict.findings]
    return found[0]


def test_a_jpeg_with_a_zip_appended_is_review_naming_the_bytes() -> None:
    jpeg = encode_jpeg(render_id_card(seed=1))
    appended = _zip()
    finding = _id_finding(jpeg + appended)
    assert finding.status is Status.REVIEW
    assert finding.measured == len(appended)
    assert f"{len(appended):,} bytes" in finding.message and "ZIP archive" in finding.message
    assert "something else after the image" in finding.message
    assert finding.remediation and finding.remediation not in finding.message


def test_a_clean_jpeg_passes() -> None:
    finding = _id_finding(encode_jpeg(render_id_card(seed=1)))
    assert finding.status is Status.PASS and finding.measured == 0


def test_every_clean_fixture_file_passes() -> None:
    verdict = run(individual_spec(), clean_files())
    statuses = {f.document: f.status for f in findings(verdict, CODE)}
    assert statuses == dict.fromkeys(("id_document", "selfie", "proof_of_address"), Status.PASS)


@pytest.mark.parametrize("filler", [b"\x00", b"\xff"])
def test_camera_padding_is_not_trailing_data(filler: bytes) -> None:
    jpeg = encode_jpeg(render_id_card(seed=1))
    assert _id_finding(jpeg + filler * 7).status is Status.PASS
    assert _id_finding(jpeg + filler * PADDING_MAX_BYTES).status is Status.PASS
    assert _id_finding(jpeg + filler * (PADDING_MAX_BYTES + 1)).status is Status.REVIEW


def test_a_png_with_data_after_iend_is_review_and_a_clean_png_passes() -> None:
    png = encode_png(render_id_card(seed=2))
    assert png_image_end(png) == len(png)
    assert _id_finding(png).status is Status.PASS
    finding = _id_finding(png + b"<?php echo 1; ?>")
    assert finding.status is Status.REVIEW and finding.measured == 16


def test_an_exif_thumbnail_eoi_does_not_end_the_image() -> None:
    """A JPEG carrying an EXIF thumbnail (its own SOI...EOI inside APP1) ends at the main image's EOI."""
    image = Image.new("RGB", (640, 480), (120, 90, 60))
    thumb = io.BytesIO()
    image.resize((160, 120)).save(thumb, "JPEG")
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    raw = exif.tobytes()
    # Build APP1 by hand with the thumbnail bytes appended to the EXIF block (a real camera's layout).
    app1 = b"Exif\x00\x00" + raw + thumb.getvalue()
    out = io.BytesIO()
    image.save(out, "JPEG")
    plain = out.getvalue()
    with_thumb = plain[:2] + b"\xff\xe1" + (len(app1) + 2).to_bytes(2, "big") + app1 + plain[2:]
    assert jpeg_image_end(with_thumb) == len(with_thumb)


def test_a_multi_picture_jpeg_ends_after_its_declared_images() -> None:
    frames = [Image.new("RGB", (320, 240), c) for c in ((200, 10, 10), (10, 200, 10))]
    out = io.BytesIO()
    frames[0].save(out, "MPO", save_all=True, append_images=frames[1:])
    mpo = out.getvalue()
    assert jpeg_image_end(mpo) == len(mpo)
    assert jpeg_image_end(mpo + b"PK\x03\x04rest") == len(mpo)


def test_a_cut_jpeg_is_left_to_file_corrupt() -> None:
    jpeg = encode_jpeg(render_id_card(seed=1))
    assert jpeg_image_end(jpeg[: len(jpeg) // 2]) is None
