"""Capture-quality checks: document found, corners, blur, glare, light, obstruction, photocopy, screen.

Measured inside the document's outline, which workers.checks.locate finds (other domains read it there).
"""

from workers.checks.quality.checks import CHECKS

__all__ = ["CHECKS"]
