"""Is the file small enough to upload, complete, and safe to decode?"""

from __future__ import annotations

from workers.checks.capture import Capture, DecodeProblem, Fact
from workers.checks.context import DocumentContext
from workers.checks.files.formats import describe_kind, is_accepted
from workers.checks.files.headers import declared_size
from workers.checks.model import Outcome, Status
from workers.checks.spec import ALL_ROLES, DocumentCheck

# 5 MiB: the per-file upload limit of the KYC providers we submit to (ARCHITECTURE section 4, "under 5 MB").
MAX_FILE_BYTES = 5 * 1024 * 1024
_MB = 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / _MB:.1f} MB"


def _file_too_large(doc: DocumentContext) -> Outcome | None:
    size = doc.capture.size_bytes
    if size == 0:
        return None
    status = Status.FAIL if size > MAX_FILE_BYTES else Status.PASS
    relation = "over" if status is Status.FAIL else "within"
    return Outcome(
        status=status,
        message=f"The file is {_megabytes(size)} ({size:,} bytes), {relation} the "
        f"{_megabytes(MAX_FILE_BYTES)} ({MAX_FILE_BYTES:,} bytes) limit.",
        measured=size,
        threshold=MAX_FILE_BYTES,
        unit="bytes",
    )


FILE_TOO_LARGE = DocumentCheck(
    code="FILE_TOO_LARGE",
    summary="The file is larger than the providers' 5 MB upload limit.",
    remediation=(
        "Send a smaller file: take the photo at a normal (not maximum) resolution, or save it as a JPEG at "
        "around 90% quality, so that it is under 5 MB."
    ),
    threshold_source="5 MB (5 x 1024 x 1024 bytes): the KYC providers' per-file limit (ARCHITECTURE s. 4).",
    roles=ALL_ROLES,
    evaluate=_file_too_large,
    needs_pixels=False,
)


# The width and height the file's header declares, read once.
DECLARED_SIZE: Fact[tuple[int, int] | None] = Fact("files.declared_size")


def declared_dimensions(capture: Capture) -> tuple[int, int] | None:
    """(width, height) the file declares: Pillow's header reading, else the raw PNG/JPEG header bytes
    (Pillow will not even open a file declaring over twice its own pixel limit)."""
    _, width, height = capture.header
    if width is not None and height is not None:
        return width, height
    return capture.cached(DECLARED_SIZE, lambda: declared_size(capture.data))


def is_bomb(capture: Capture) -> bool:
    """True when the file declares more pixels than the engine decodes, or its decode was refused."""
    if capture.problem is DecodeProblem.BOMB:
        return True
    size = declared_dimensions(capture)
    return size is not None and size[0] * size[1] > capture.max_pixels


def _file_corrupt(doc: DocumentContext) -> Outcome | None:
    capture = doc.capture
    if capture.size_bytes == 0 or not is_accepted(capture.sniffed_mime):
        return None  # FILE_MISSING or FILE_TYPE_NOT_ACCEPTED reports it
    kind = describe_kind(capture.sniffed_mime).name
    problem = capture.problem
    if is_bomb(capture):
        return None  # FILE_DECOMPRESSION_BOMB reports it; the pixels were deliberately not decoded
    if problem is DecodeProblem.CORRUPT:
        return Outcome(
            status=Status.FAIL,
            message=f"The file starts like {kind} but does not decode completely: it is cut short or damaged "
            f"({capture.problem_detail}).",
            measured="corrupt",
            threshold="complete decode",
            unit="decode",
        )
    if problem is DecodeProblem.NOT_AN_IMAGE_WE_ACCEPT and capture.header[0] is not None:
        # A JPEG that Pillow opens as a variant (MPO: a JPEG carrying extra images, as iPhone HDR and many
        # Android photos do) which the engine does not decode: not damaged, but no pixel check could run.
        return Outcome(
            status=Status.REVIEW,
            message=f"The file is {kind} in a variant the engine does not decode ({capture.header[0]}); "
            "its image checks could not run.",
            measured=f"variant {capture.header[0]}",
            threshold="complete decode",
            unit="decode",
        )
    if problem is DecodeProblem.NOT_AN_IMAGE_WE_ACCEPT:
        # Its first bytes say JPEG/PNG, yet no image header could be read behind them.
        return Outcome(
            status=Status.FAIL,
            message=f"The file starts like {kind} but its image header cannot be read: it is cut short or damaged.",
            measured="unreadable header",
            threshold="complete decode",
            unit="decode",
        )
    return Outcome(
        status=Status.PASS,
        message=f"The image decodes completely ({capture.width} x {capture.height} pixels).",
        measured="complete",
        threshold="complete decode",
        unit="decode",
    )


FILE_CORRUPT = DocumentCheck(
    code="FILE_CORRUPT",
    summary="The file is truncated or damaged: the image does not decode completely.",
    remediation=(
        "The file was damaged or only partly uploaded. Send the original photo again, straight from the "
        "phone's gallery or camera."
    ),
    threshold_source="A full Pillow decode of every pixel must succeed; a header that reads is not enough.",
    roles=ALL_ROLES,
    evaluate=_file_corrupt,
    needs_pixels=False,
)


def _decompression_bomb(doc: DocumentContext) -> Outcome | None:
    capture = doc.capture
    if capture.size_bytes == 0 or not is_accepted(capture.sniffed_mime):
        return None
    size = declared_dimensions(capture)
    if size is None:
        return None  # no declared size to judge; FILE_CORRUPT reports the unreadable header
    width, height = size
    megapixels = width * height / 1e6
    limit = capture.max_pixels / 1e6
    if is_bomb(capture):
        return Outcome(
            status=Status.FAIL,
            message=f"The image declares {width} x {height} pixels ({megapixels:,.1f} megapixels), over the "
            f"{limit:g}-megapixel limit; it was not decoded.",
            measured=round(megapixels, 2),
            threshold=limit,
            unit="megapixels",
        )
    return Outcome(
        status=Status.PASS,
        message=f"The image declares {width} x {height} pixels ({megapixels:.1f} megapixels), within the "
        f"{limit:g}-megapixel limit.",
        measured=round(megapixels, 2),
        threshold=limit,
        unit="megapixels",
    )


FILE_DECOMPRESSION_BOMB = DocumentCheck(
    code="FILE_DECOMPRESSION_BOMB",
    summary="The image declares more pixels than any phone camera produces (a decompression bomb).",
    remediation="Send the original photo from the phone's camera; this file is not a normal photo.",
    threshold_source=(
        "50 megapixels (workers.checks.capture.MAX_PIXELS): the largest native output of current phone "
        "cameras is 48-50 MP; a larger image is refused from its header, before any decode."
    ),
    roles=ALL_ROLES,
    evaluate=_decompression_bomb,
    needs_pixels=False,
)
