"""Authenticity signals: editor metadata, re-compression, local anomalies, copied regions, beauty filters."""

from workers.checks.spec import DocumentCheck

CHECKS: list[DocumentCheck] = []
