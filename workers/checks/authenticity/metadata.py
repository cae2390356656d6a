"""Reading what a file says about its own history: EXIF, XMP and IPTC software names, dates, the EXIF
thumbnail.

Pure parsing of the metadata segments (never of the image pixels): EXIF through Pillow's `Image.Exif` on the
raw APP1 payload, XMP and IPTC as text / records.
"""

from __future__ import annotations

import re
import struct
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

from workers.checks.files.jpeg_segments import jpeg_segments

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

TAG_SOFTWARE = 0x0131
TAG_DATETIME = 0x0132  # "ModifyDate": written by whatever saved the file last
TAG_PROCESSING_SOFTWARE = 0x000B
TAG_DATETIME_ORIGINAL = 0x9003  # when the shutter fired
TAG_DATETIME_DIGITIZED = 0x9004
# Exif-IFD fields that only a camera pipeline writes (exposure, lens, sensor); editors keep or drop them.
CAMERA_EXIF_TAGS = (0x829A, 0x829D, 0x8827, 0x920A, 0x9209, 0xA405, 0xA433, 0xA434)
XMP_SOFTWARE_KEYS = ("CreatorTool", "softwareAgent", "History")


@dataclass(frozen=True)
class SoftwareEntry:
    name: str
    kind: str  # "editor" or "filter"
    patterns: tuple[re.Pattern[str], ...]


@cache
def software_list() -> tuple[SoftwareEntry, ...]:
    """The editor and filter-app names kept as data in data/authenticity_software.toml."""
    raw = tomllib.loads((DATA_DIR / "authenticity_software.toml").read_text(encoding="utf-8"))
    entries: list[SoftwareEntry] = []
    for kind in ("editor", "filter"):
        for item in raw.get(kind, []):
            patterns = tuple(re.compile(rf"(?<![a-z0-9]){re.escape(m.lower())}(?![a-z])") for m in item["match"])
            entries.append(SoftwareEntry(name=str(item["name"]), kind=kind, patterns=patterns))
    return tuple(entries)


def name_editor(text: str) -> SoftwareEntry | None:
    """The first editor or filter app whose name appears (as whole words) in `text`, else None."""
    lowered = text.lower()
    for entry in software_list():
        if any(p.search(lowered) for p in entry.patterns):
            return entry
    return None


@dataclass(frozen=True)
class Metadata:
    """The metadata fields the authenticity checks read, gathered once per file."""

    ifd0: dict[int, Any]
    exif_ifd: dict[int, Any]
    software_fields: tuple[tuple[str, str], ...]  # (where, value) pairs naming software
    thumbnail: bytes | None

    @property
    def has_exif(self) -> bool:
        return bool(self.ifd0) or bool(self.exif_ifd)


def _exif_from(info: dict[str, Any]) -> Image.Exif:
    exif = Image.Exif()
    raw = info.get("exif")
    if isinstance(raw, bytes) and raw:
        try:
            exif.load(raw)
        except Exception:  # a malformed EXIF block is treated as absent rather than failing the check
            return Image.Exif()
    return exif


def _xmp_software(xmp: str) -> list[tuple[str, str]]:
    """Values of XMP fields that name software: CreatorTool, History softwareAgent, photoshop:History."""
    found: list[tuple[str, str]] = []
    for key in XMP_SOFTWARE_KEYS:
        # Both attribute form (key="...") and element form (<ns:key>...</ns:key>) occur in the wild.
        for match in re.finditer(rf':{key}="([^"]*)"', xmp):
            found.append((f"XMP {key}", match.group(1)))
        for match in re.finditer(rf":{key}>([^<]*)</", xmp):
            found.append((f"XMP {key}", match.group(1)))
    return found


def iptc_records(iptc: bytes) -> list[tuple[int, int, bytes]]:
    """(record, dataset, value) triples of an IPTC-IIM block (tag marker 0x1C, standard-length entries)."""
    records: list[tuple[int, int, bytes]] = []
    pos = 0
    while pos + 5 <= len(iptc) and iptc[pos] == 0x1C:
        record, dataset, length = (
            iptc[pos + 1],
            iptc[pos + 2],
            struct.unpack(">H", iptc[pos + 3 : pos + 5])[0],
        )
        if length & 0x8000:  # extended-length entries are only used for huge values, never for names
            break
        records.append((record, dataset, iptc[pos + 5 : pos + 5 + length]))
        pos += 5 + length
    return records


def _iptc_software(info: dict[str, Any]) -> list[tuple[str, str]]:
    resources = info.get("photoshop")
    if not isinstance(resources, dict):
        return []
    iptc = resources.get(0x0404)  # Photoshop image resource 0x0404 holds the IPTC-IIM block
    if not isinstance(iptc, bytes):
        return []
    # 2:65 OriginatingProgram, 2:70 ProgramVersion
    return [
        ("IPTC OriginatingProgram", value.decode("utf-8", "replace"))
        for record, dataset, value in iptc_records(iptc)
        if record == 2 and dataset == 65
    ]


def read_metadata(info: dict[str, Any], data: bytes) -> Metadata:
    """Gather EXIF IFD0, the Exif IFD, software-naming fields and the EXIF thumbnail of one file."""
    exif = _exif_from(info)
    ifd0 = {int(k): v for k, v in exif.items()}
    exif_ifd = {int(k): v for k, v in exif.get_ifd(ExifTags.IFD.Exif).items()}
    software: list[tuple[str, str]] = []
    for tag, label in ((TAG_SOFTWARE, "EXIF Software"), (TAG_PROCESSING_SOFTWARE, "EXIF ProcessingSoftware")):
        value = ifd0.get(tag)
        if isinstance(value, str) and value.strip():
            software.append((label, value.strip()))
    xmp = info.get("xmp")
    if isinstance(xmp, bytes):
        software.extend(_xmp_software(xmp.decode("utf-8", "replace")))
    software.extend(_iptc_software(info))
    for key in ("Software", "software"):  # PNG tEXt / iTXt chunks
        value = info.get(key)
        if isinstance(value, str) and value.strip():
            software.append((f"PNG {key}", value.strip()))
    return Metadata(ifd0=ifd0, exif_ifd=exif_ifd, software_fields=tuple(software), thumbnail=exif_thumbnail(data))


def exif_thumbnail(data: bytes) -> bytes | None:
    """The JPEG thumbnail stored in EXIF IFD1 of a JPEG file, or None. Reads the APP1 segment only."""
    for segment in jpeg_segments(data):  # the headers, up to the first scan
        if segment.marker == 0xE1 and segment.body.startswith(b"Exif\x00\x00"):
            return _thumbnail_from_tiff(segment.body[6:])
    return None


def _thumbnail_from_tiff(tiff: bytes) -> bytes | None:
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return None
    endian = "<" if tiff[:2] == b"II" else ">"
    (ifd0,) = struct.unpack(endian + "I", tiff[4:8])
    if ifd0 + 2 > len(tiff):
        return None
    (count,) = struct.unpack(endian + "H", tiff[ifd0 : ifd0 + 2])
    next_pos = ifd0 + 2 + 12 * count
    if next_pos + 4 > len(tiff):
        return None
    (ifd1,) = struct.unpack(endian + "I", tiff[next_pos : next_pos + 4])
    if ifd1 == 0 or ifd1 + 2 > len(tiff):
        return None
    (count,) = struct.unpack(endian + "H", tiff[ifd1 : ifd1 + 2])
    offset = length = None
    for i in range(count):
        entry = tiff[ifd1 + 2 + 12 * i : ifd1 + 14 + 12 * i]
        if len(entry) < 12:
            return None
        tag, _type, _n, value = struct.unpack(endian + "HHII", entry)
        if tag == 0x0201:
            offset = value
        elif tag == 0x0202:
            length = value
    if offset is None or length is None or offset + length > len(tiff):
        return None
    thumb = tiff[offset : offset + length]
    return thumb if thumb.startswith(b"\xff\xd8") else None


def parse_exif_datetime(value: object) -> datetime | None:
    """An EXIF "YYYY:MM:DD HH:MM:SS" value as a naive datetime, or None if absent or malformed."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
