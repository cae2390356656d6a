"""Authenticity signals: editor metadata, re-compression, local anomalies, copied regions, beauty filters."""

from workers.checks.authenticity import (
    check_face,
    check_jpeg,
    check_local,
    check_metadata,
    check_screen,
    check_typeface,
)
from workers.checks.spec import DocumentCheck

CHECKS: list[DocumentCheck] = [
    *check_metadata.CHECKS,
    *check_jpeg.CHECKS,
    *check_local.CHECKS,
    *check_face.CHECKS,
    *check_screen.CHECKS,
    *check_typeface.CHECKS,
]
