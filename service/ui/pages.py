"""Rendering the workspace's pages: Jinja2 templates (autoescaped) beside this module, served with headers that
keep them in their own origin: scripts, styles and images only from this service (nothing from a CDN), never
framed, never cached (they show verdicts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from litestar import MediaType, Response

STATIC_DIR = Path(__file__).parent / "static"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def page(template: str, status: int = 200, **context: Any) -> Response[str]:
    html = _ENV.get_template(template).render(**context)
    return Response(html, status_code=status, media_type=MediaType.HTML, headers=HEADERS)
