"""File checks: real type, size, integrity, decompression bombs, resolution, screenshots."""

from workers.checks.spec import DocumentCheck

CHECKS: list[DocumentCheck] = []
