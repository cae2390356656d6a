"""What a file really is, told from its own bytes, and what the applicant should do if it is not accepted."""

from __future__ import annotations

from dataclasses import dataclass

# Providers accept only original JPEG or PNG photos (ARCHITECTURE section 4).
ACCEPTED_MIME_TYPES = frozenset({"image/jpeg", "image/png"})

_EXPORT_AS_JPEG = "Open it and save or export it as a JPEG, or better, send the original camera photo."


@dataclass(frozen=True)
class FileKind:
    """A file type in words an applicant understands, and the fix when that type is not accepted."""

    name: str
    fix: str


KNOWN_KINDS: dict[str, FileKind] = {
    "image/jpeg": FileKind("a JPEG image", ""),
    "image/png": FileKind("a PNG image", ""),
    "application/pdf": FileKind(
        "a PDF", "Photograph the document itself, or export the page as a JPEG image, and send that."
    ),
    "image/heic": FileKind(
        "a HEIC photo (the iPhone's High Efficiency format)",
        "On the iPhone set Settings > Camera > Formats to 'Most Compatible', or export the photo as JPEG.",
    ),
    "image/heif": FileKind(
        "a HEIF photo (a High Efficiency format)",
        "Set the camera to 'Most Compatible' (JPEG), or export the photo as JPEG.",
    ),
    "image/avif": FileKind("an AVIF image", _EXPORT_AS_JPEG),
    "image/webp": FileKind("a WebP image (usually saved from a web page or a chat app)", _EXPORT_AS_JPEG),
    "image/gif": FileKind("a GIF image", _EXPORT_AS_JPEG),
    "image/tiff": FileKind(
        "a TIFF image (usually a scanner's output)", "Scan or export the page as a JPEG or PNG instead."
    ),
    "image/bmp": FileKind("a BMP image", _EXPORT_AS_JPEG),
    "image/vnd.adobe.photoshop": FileKind("a Photoshop file", "Send the original camera photo as a JPEG."),
    "application/zip": FileKind("a ZIP archive", "Send each document as its own JPEG or PNG photo."),
}

_UNKNOWN = FileKind(
    "a file of an unrecognised type (not an image we can read)",
    "Send the document as a JPEG photo taken with the phone's camera app.",
)


def kind_fixes() -> list[str]:
    """Every fix this module can give (the texts the translations follow, workers/checks/i18n)."""
    return [kind.fix for kind in (*KNOWN_KINDS.values(), _UNKNOWN) if kind.fix]


def describe_kind(sniffed_mime: str | None) -> FileKind:
    """The kind of file behind a sniffed MIME type; unknown types are named by their MIME type."""
    if sniffed_mime is None:
        return _UNKNOWN
    known = KNOWN_KINDS.get(sniffed_mime)
    if known is not None:
        return known
    return FileKind(f"a file of type {sniffed_mime}", _UNKNOWN.fix)


def is_accepted(sniffed_mime: str | None) -> bool:
    return sniffed_mime in ACCEPTED_MIME_TYPES
