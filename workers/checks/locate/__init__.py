"""Where the document is in an image: its outline (a quadrilateral), the flat view of it, and the reduced views
and text-line mask the search runs on.

A fact of its own, read by several domains: the capture-quality checks measure inside the outline, the face
checks take the ID card's flat view as the reference to find it in the selfie, the authenticity checks keep
their block statistics to the document. It depends on the capture alone, so no domain imports another to get it.
"""

from workers.checks.locate.flat import document_crop
from workers.checks.locate.outline import Outline, document_outline

__all__ = ["Outline", "document_crop", "document_outline"]
