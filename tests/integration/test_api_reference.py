"""The API reference at /schema works on an offline network: every script, style and icon the page loads is
served by the API itself (issue #20 item 4), over real HTTP."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import httpx
import pytest

from tests.integration.stack import Stack

# src="..." and href="..." (either quote) in the page's HTML.
_LINKED = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


@pytest.mark.parametrize("page", ["/schema", "/schema/swagger"])
def test_the_api_reference_loads_nothing_from_elsewhere(stack: Stack, page: str) -> None:
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:  # no API key: the reference is public
        answer = client.get(page)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
        html = answer.text
        assert "cdn" not in html.lower(), "the page still names a CDN"
        linked = _LINKED.findall(html)
        assert len(linked) >= 3, linked  # the script bundle, its preset, the stylesheet (and the icon)
        for url in linked:
            absolute = urljoin(stack.api_url + page, url)
            assert urlparse(absolute).netloc == urlparse(stack.api_url).netloc, f"{url} is not served by us"
            asset = client.get(absolute)
            assert asset.status_code == 200 and asset.content, url
        scripts = "".join(client.get(urljoin(stack.api_url + page, u)).text for u in linked if u.endswith(".js"))
        assert "SwaggerUIBundle" in scripts  # the real Swagger UI, which the page's own script calls


def test_the_assets_are_not_part_of_the_api_document(stack: Stack) -> None:
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        paths = client.get("/schema/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith("/schema")]
