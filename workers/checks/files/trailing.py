"""Does the file end where its image ends? Bytes after a JPEG's end-of-image marker (EOI) or a PNG's IEND chunk
are not part of the picture: another file appended to it (an archive, a document, a script), which a KYC
provider's scanner may take for a polyglot file and refuse, or which smuggles data past the review."""

from __future__ import annotations

import filetype

from workers.checks.context import DocumentContext
from workers.checks.files.formats import describe_kind
from workers.checks.files.jpeg_segments import EOI, jpeg_segments
from workers.checks.model import Outcome, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck

# Filler a camera may leave after the image: firmware that writes whole blocks zero-fills the rest of the last
# one (some fill it with 0xFF, the value of erased flash). 4096 bytes is one such block (a flash page and the
# usual filesystem block), so a run of one filler byte no longer than that is padding, not content; a run of a
# single byte value carries nothing anyway. Anything else after the image, even one byte, counts.
PADDING_MAX_BYTES = 4096
_FILLERS = (0x00, 0xFF)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_APP2 = 0xE2


def _jpeg_end(data: bytes, start: int = 0) -> tuple[int, bool] | None:
    """(offset just past the EOI, whether the image declares an MPF index of further images) of the JPEG at
    `start`, walking its segments by their lengths (an EXIF thumbnail's own EOI, inside APP1, is skipped with
    it) and its entropy-coded scans marker by marker; None if the structure breaks before an EOI."""
    has_mpf = False
    for segment in jpeg_segments(data, start, scans=True):
        if segment.marker == EOI:
            return segment.end, has_mpf
        if segment.marker == _APP2 and segment.body.startswith(b"MPF\x00"):
            has_mpf = True
    return None  # lost sync or cut short: a damaged file, which FILE_CORRUPT reports


def jpeg_image_end(data: bytes) -> int | None:
    """Where the JPEG's image data ends. A multi-picture JPEG (MPO: iPhone HDR, many Android photos, which
    declare their extra images in an APP2 'MPF' index) ends after the last of the images that follow it."""
    found = _jpeg_end(data)
    if found is None:
        return None
    end, has_mpf = found
    while has_mpf and (following := _jpeg_end(data, end)) is not None:
        end = following[0]
    return end


def png_image_end(data: bytes) -> int | None:
    """Offset just past the PNG's IEND chunk (its length, type, data and CRC), walking chunk by chunk."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    i = len(_PNG_SIGNATURE)
    while i + 12 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        i += 12 + length
        if kind == b"IEND":
            return i if i <= len(data) else None
    return None


def is_padding(tail: bytes) -> bool:
    return 0 < len(tail) <= PADDING_MAX_BYTES and tail[0] in _FILLERS and tail.count(tail[0]) == len(tail)


def _what(tail: bytes) -> str:
    kind = filetype.guess(tail[:8192])
    if kind is None:
        return "data of no recognised type"
    if kind.mime.startswith("video/"):
        return f"a video ({kind.mime}), as a motion or live photo carries"
    return describe_kind(str(kind.mime)).name


def _trailing_data(doc: DocumentContext) -> Outcome | None:
    capture = doc.capture
    mime = capture.sniffed_mime
    if capture.size_bytes == 0 or mime not in ("image/jpeg", "image/png"):
        return None  # FILE_MISSING or FILE_TYPE_NOT_ACCEPTED reports it
    data = capture.data
    kind, marker = ("JPEG", "end-of-image marker") if mime == "image/jpeg" else ("PNG", "IEND chunk")
    end = jpeg_image_end(data) if mime == "image/jpeg" else png_image_end(data)
    if end is None:
        return None  # no end to be found: the file is cut short or damaged, which FILE_CORRUPT reports
    tail = data[end:]
    if not tail or is_padding(tail):
        padding = f" (only {len(tail):,} bytes of padding follow it)" if tail else " (no bytes follow it)"
        return Outcome(
            status=Status.PASS,
            message=f"The file ends with its {kind} image's {marker}{padding}.",
            measured=0,
            threshold=0,
            unit="bytes",
        )
    return Outcome(
        status=Status.REVIEW,
        message=f"The file carries something else after the image: {len(tail):,} bytes follow the {kind} "
        f"image's {marker} (at byte {end:,}), {_what(tail)}.",
        measured=len(tail),
        threshold=0,
        unit="bytes",
    )


FILE_TRAILING_DATA = DocumentCheck(
    code="FILE_TRAILING_DATA",
    summary="The file carries something else after the image (bytes after a JPEG's end or a PNG's IEND).",
    remediation=(
        "Send the photo exactly as the camera saved it, or open it and save or export it again as a JPEG: "
        "that keeps the picture and drops what was added after it. A motion or live photo: turn that off, "
        "or export a still."
    ),
    threshold_source=(
        "No byte may follow a JPEG's end-of-image marker or a PNG's IEND chunk, except padding: one filler "
        f"byte (0x00 or 0xFF) repeated up to {PADDING_MAX_BYTES} bytes (one block, as firmware that writes whole "
        "blocks leaves it). A multi-picture JPEG (MPO) ends after its declared extra images."
    ),
    roles=ALL_ROLES,
    evaluate=_trailing_data,
    needs_pixels=False,
)
