"""File checks: real type, size, integrity, decompression bombs, resolution, screenshots.

Order matters for reading a verdict: received, type, size, integrity, trailing data, then what the pixels allow.
"""

from workers.checks.files.file_type import FILE_MISSING, FILE_TYPE_NOT_ACCEPTED
from workers.checks.files.integrity import FILE_CORRUPT, FILE_DECOMPRESSION_BOMB, FILE_TOO_LARGE
from workers.checks.files.resolution import IMAGE_TOO_SMALL
from workers.checks.files.screenshot import FILE_SCREENSHOT_SUSPECTED
from workers.checks.files.trailing import FILE_TRAILING_DATA
from workers.checks.spec import DocumentCheck

CHECKS: list[DocumentCheck] = [
    FILE_MISSING,
    FILE_TYPE_NOT_ACCEPTED,
    FILE_TOO_LARGE,
    FILE_CORRUPT,
    FILE_DECOMPRESSION_BOMB,
    FILE_TRAILING_DATA,
    IMAGE_TOO_SMALL,
    FILE_SCREENSHOT_SUSPECTED,
]

__all__ = [
    "CHECKS",
    "FILE_CORRUPT",
    "FILE_DECOMPRESSION_BOMB",
    "FILE_MISSING",
    "FILE_SCREENSHOT_SUSPECTED",
    "FILE_TOO_LARGE",
    "FILE_TRAILING_DATA",
    "FILE_TYPE_NOT_ACCEPTED",
    "IMAGE_TOO_SMALL",
]
