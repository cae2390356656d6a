"""Capture-quality checks: document found, corners, blur, glare, light, obstruction, photocopy, screen.

`document_outline(capture)` is public: other domains reuse the located document (cached on the Capture).
"""

from workers.checks.quality.checks import CHECKS
from workers.checks.quality.flat import document_crop
from workers.checks.quality.outline import Outline, document_outline

__all__ = ["CHECKS", "Outline", "document_crop", "document_outline"]
