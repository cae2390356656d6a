"""Image dimensions as declared in a file's header bytes, read without any decoder.

Pillow refuses to even open an image that declares more than twice its own pixel limit, so for the very
largest decompression bombs the declared size has to be read from the bytes directly: the PNG IHDR chunk or
the JPEG start-of-frame segment.
"""

from __future__ import annotations

import struct

from workers.checks.files.jpeg_segments import jpeg_segments

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def declared_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) that a PNG or JPEG header declares, or None if the bytes hold neither."""
    if data.startswith(_PNG_SIGNATURE):
        return _png_size(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    # The IHDR chunk must come first: length (4), type (4), then width and height (4 each).
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    for segment in jpeg_segments(data):
        if segment.marker in _SOF_MARKERS:
            if len(segment.body) < 5:
                return None
            # precision (1 byte), then height and width (2 bytes each, big-endian)
            height, width = struct.unpack(">HH", segment.body[1:5])
            return int(width), int(height)
    return None  # a scan or the end before any frame header, or a broken structure
