"""Image dimensions as declared in a file's header bytes, read without any decoder.

Pillow refuses to even open an image that declares more than twice its own pixel limit, so for the very
largest decompression bombs the declared size has to be read from the bytes directly: the PNG IHDR chunk or
the JPEG start-of-frame segment.
"""

from __future__ import annotations

import struct

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field: TEM, RST0-7, SOI, EOI.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xDA)})


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
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None  # lost sync: not a well-formed marker sequence
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _SOF_MARKERS:
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        if marker == 0xDA:  # start of scan before any frame header
            return None
        pos += 2 + length
    return None
