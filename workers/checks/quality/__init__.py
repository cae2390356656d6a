"""Capture-quality checks: document found, corners, blur, glare, light, obstruction, photocopy, screen."""

from workers.checks.spec import DocumentCheck

CHECKS: list[DocumentCheck] = []
