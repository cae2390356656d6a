"""Pure measures behind the screenshot check: each reads dimensions or metadata and returns a plain value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workers.checks.files.screens import SCREEN_SIZES

EXIF_MAKE = 0x010F
EXIF_MODEL = 0x0110
EXIF_SOFTWARE = 0x0131

# Phone screens since 2017 are 18:9 to 21:9 (long/short 2.0-2.33; iPhone X and later 2.16-2.17), while
# camera sensors deliver 4:3 (1.33), 3:2 (1.5), 16:9 (1.78) or 1:1. 1.95 leaves room for status-bar crops of
# 2.0 screens; 2.4 covers the tallest (21:9) phones.
PHONE_SCREEN_MIN_ASPECT = 1.95
PHONE_SCREEN_MAX_ASPECT = 2.4


def camera_name(exif: Mapping[int, Any]) -> str | None:
    """'Make Model' from EXIF as a camera writes it, or None when the file carries no camera identity."""
    parts = [str(exif.get(tag, "")).strip().strip("\x00") for tag in (EXIF_MAKE, EXIF_MODEL)]
    name = " ".join(p for p in parts if p)
    return name or None


def is_screen_sized(width: int, height: int) -> bool:
    """True when the image is exactly the pixel size of a common phone, tablet or desktop screen."""
    return (min(width, height), max(width, height)) in SCREEN_SIZES


def aspect_ratio(width: int, height: int) -> float:
    """Long side over short side (>= 1.0)."""
    return max(width, height) / max(1, min(width, height))


def has_phone_screen_aspect(width: int, height: int) -> bool:
    """True for the tall 18:9-21:9 shape of phone screens, which phone cameras do not produce by default."""
    return PHONE_SCREEN_MIN_ASPECT <= aspect_ratio(width, height) <= PHONE_SCREEN_MAX_ASPECT


# Screen-capture tools that write their name into EXIF Software (the corpus's Australian passport specimen
# carries "Snipaste"); a camera app never writes these.
SCREENSHOT_TOOLS = ("screenshot", "snipaste", "snagit", "greenshot", "lightshot", "sharex", "flameshot", "gyazo")


def screenshot_marker(exif: Mapping[int, Any], info: Mapping[str, Any]) -> str | None:
    """Where the metadata itself says 'screenshot' (iOS and macOS write it into XMP) or names a screenshot
    tool, or None."""
    software = str(exif.get(EXIF_SOFTWARE, "")).lower()
    tool = next((name for name in SCREENSHOT_TOOLS if name in software), None)
    if tool is not None:
        return "EXIF Software" if tool == "screenshot" else f"EXIF Software names the screenshot tool {tool.title()}"
    for key in ("XML:com.adobe.xmp", "xmp", "Description", "Comment", "comment"):
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and "screenshot" in value.lower():
            return "XMP" if "xmp" in key.lower() else f"PNG text '{key}'"
    return None
