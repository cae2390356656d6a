"""The one walker of a JPEG's marker segments (ITU-T T.81 annex B), shared by every reader of JPEG structure:
the declared size (headers), the EXIF thumbnail (authenticity.metadata), the quantisation tables and encoder
markers (authenticity.jpeg), and where the image ends (trailing). Pure code."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
# Markers that stand alone, without a length: TEM, the restart markers RST0-7, and SOI.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8), SOI})


@dataclass(frozen=True)
class Segment:
    marker: int  # the byte after 0xFF: 0xE1 APP1, 0xDB DQT, 0xC0 SOF0, 0xDA SOS, 0xD9 EOI...
    body: bytes  # the segment's content after its length field; empty for a marker that stands alone
    end: int  # offset just past the segment (for a scan, past its entropy-coded data when walked)


def jpeg_segments(data: bytes, start: int = 0, *, scans: bool = False) -> Iterator[Segment]:
    """The segments of the JPEG at `start`, in file order, after its SOI; nothing if it does not start with one.

    Without `scans` the walk ends at the first scan (SOS, yielded): the headers, all a metadata reader needs.
    With `scans` it walks each scan's entropy-coded data to the next marker (FF00 is a stuffed FF, FFD0-7 are
    restarts) and goes on to the EOI, yielded last. A walk that loses sync (no 0xFF where a marker must be) or
    runs past the end of the data stops without an EOI: the caller reads that as a broken structure."""
    n = len(data)
    if data[start : start + 2] != b"\xff\xd8":
        return
    i = start + 2
    while i < n:
        if data[i] != 0xFF:
            return
        while i < n and data[i] == 0xFF:  # fill bytes before a marker
            i += 1
        if i >= n:
            return
        marker = data[i]
        i += 1
        if marker == EOI:
            yield Segment(marker, b"", i)
            return
        if marker in _STANDALONE:
            yield Segment(marker, b"", i)
            continue
        if i + 2 > n:
            return
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2 or i + length > n:
            return
        body, i = data[i + 2 : i + length], i + length
        if marker != SOS:
            yield Segment(marker, body, i)
            continue
        if not scans:
            yield Segment(marker, body, i)
            return
        i = _scan_end(data, i)
        if i < 0:
            return
        yield Segment(marker, body, i)


def _scan_end(data: bytes, i: int) -> int:
    """Offset of the marker that ends the entropy-coded data starting at `i`; -1 if the data ends first."""
    n = len(data)
    while True:
        j = data.find(b"\xff", i)
        if j < 0 or j + 1 >= n:
            return -1
        following = data[j + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            i = j + 2
        elif following == 0xFF:
            i = j + 1
        else:
            return j
