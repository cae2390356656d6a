"""The workspace at /ui in a real headless Chromium (Debian's, driven by Playwright) against the real API and
worker: sign in with an API key, upload a batch through the page, watch it finish, read a bundle with its
annotated preview, move by keyboard; another tenant's batch is not reachable; a form without its CSRF token is
refused. Screenshots of the pages are written to test-artifacts/screenshots/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.integration.payload import good_bundle, good_files, manifest, zip_body
from tests.integration.stack import ROOT, TENANT_KEYS, Stack

CHROMIUM = "/usr/bin/chromium"  # Debian's package, installed by scripts/test
# Headless, and quiet on a machine without network: no background connections, updates or sync.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: scripts/test installs Debian's chromium package"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def _signed_in(browser: Browser, stack: Stack, tenant: str) -> Page:
    page = browser.new_context(base_url=stack.api_url, accept_downloads=True).new_page()
    page.goto("/ui")
    expect(page).to_have_url(re.compile(r"/ui/login$"))
    page.fill("#api_key", TENANT_KEYS[tenant])
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/ui/batches$"))
    return page


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _archive(tmp_path: Path) -> Path:
    expired: dict[str, Any] = good_bundle("WS-EXPIRED", "ws2")
    expired["documents"][0]["declared"]["expiry_date"] = "2020-01-01"  # DOCUMENT_EXPIRED on the ID
    doc = {**manifest(good_bundle("WS-GOOD", "ws1"), expired), "previews": True}
    path = tmp_path / "batch.zip"
    path.write_bytes(zip_body(doc, {**good_files("ws1"), **good_files("ws2", seed=1)}))
    return path


def _batch_id(page: Page) -> str:
    found = re.search(r"/ui/batches/(b_[^/?#]+)", page.url)
    assert found, page.url
    return found.group(1)


def test_a_batch_uploaded_through_the_page_shows_its_verdicts(browser: Browser, stack: Stack, tmp_path: Path) -> None:
    page = _signed_in(browser, stack, "acme")
    _shot(page, "1-batches")
    page.set_input_files("#archive", str(_archive(tmp_path)))
    page.click("#upload button[type=submit]")
    expect(page).to_have_url(re.compile(r"/ui/batches/b_"), timeout=60_000)
    rows = page.locator("#bundles tbody tr")
    expect(rows).to_have_count(2, timeout=180_000)  # the page follows the batch and shows the verdicts
    expect(page.locator("#progress .state")).to_have_text("done")
    expect(page.locator("#bundles .badge")).to_have_count(2)
    _shot(page, "2-batch")

    # The filter keeps the bundles with that code.
    page.select_option("#f-code", "DOCUMENT_EXPIRED")
    page.click(".filters button")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("WS-EXPIRED")

    # Keyboard only: Tab to the bundle's link, Enter opens it.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "WS-EXPIRED":
            break
    else:
        pytest.fail("Tab never reached the bundle's link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/bundles/WS-EXPIRED$"))
    expect(page.locator(".primary code").first).to_have_text(re.compile(r"^[A-Z_]+$"))
    expect(page.locator("text=DOCUMENT_EXPIRED").first).to_be_visible()
    preview = page.locator("figure img").first
    expect(preview).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", preview.element_handle())
    assert page.locator("details summary").count() >= 1  # the passes, folded away
    _shot(page, "3-bundle")

    # Exports: the same verdicts as the API gives.
    page.go_back()
    with page.expect_download() as download:
        page.click("text=Export NDJSON")
    lines = Path(download.value.path()).read_text().splitlines()
    assert {json.loads(line)["reference"] for line in lines} == {"WS-GOOD", "WS-EXPIRED"}


def test_another_tenants_batch_is_not_reachable_and_a_form_needs_its_token(
    browser: Browser, stack: Stack, tmp_path: Path
) -> None:
    owner = _signed_in(browser, stack, "acme")
    owner.set_input_files("#archive", str(_archive(tmp_path)))
    owner.click("#upload button[type=submit]")
    expect(owner).to_have_url(re.compile(r"/ui/batches/b_"), timeout=60_000)
    batch_id = _batch_id(owner)

    other = _signed_in(browser, stack, "globex")
    answer = other.goto(f"/ui/batches/{batch_id}")
    assert answer is not None and answer.status == 404
    expect(other.locator("h1")).to_have_text("Not found")
    assert "WS-GOOD" not in other.content() and "WS-EXPIRED" not in other.content()  # nothing of the batch
    assert other.request.get(f"/ui/batches/{batch_id}/export/ndjson").status == 404
    other.goto("/ui/batches")
    assert batch_id not in other.content()  # not in its list either

    # A delete without the form's CSRF token is refused; with it, the batch goes.
    refused = owner.request.post(f"/ui/batches/{batch_id}/delete", form={"csrf": "forged"})
    assert refused.status in (400, 403)
    assert owner.goto(f"/ui/batches/{batch_id}").status == 200  # type: ignore[union-attr]
    owner.once("dialog", lambda dialog: dialog.accept())
    owner.click("button.danger")
    expect(owner).to_have_url(re.compile(r"/ui/batches$"))
    assert owner.goto(f"/ui/batches/{batch_id}").status == 404  # type: ignore[union-attr]


def test_a_folder_with_its_manifest_is_uploaded(browser: Browser, stack: Stack, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    doc = manifest(good_bundle("WS-FOLDER", "f1"))
    for name, data in {"manifest.json": json.dumps(doc).encode(), **good_files("f1")}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    page = _signed_in(browser, stack, "acme")
    page.set_input_files("#folder", str(folder))
    # Only the page's script sends a folder (as the API's multipart upload, with its progress bar): the batch
    # page opening proves it did.
    page.click("#upload button[type=submit]")
    expect(page).to_have_url(re.compile(r"/ui/batches/b_"), timeout=60_000)
    expect(page.locator("#bundles tbody tr")).to_have_count(1, timeout=180_000)
    expect(page.locator("#bundles tbody tr").first).to_contain_text("WS-FOLDER")


@pytest.mark.parametrize("https", [False, True])
def test_the_session_cookie_is_httponly_strict_and_secure_over_https(stack: Stack, https: bool) -> None:
    headers = {"X-Forwarded-Proto": "https"} if https else {}
    with httpx.Client(base_url=stack.api_url, headers=headers) as client:
        form = client.get("/ui/login")
        client.cookies.clear()
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token is not None
        # Sent by hand: a client keeps a Secure cookie for https only, and this test server speaks plain HTTP.
        login_cookie = {"Cookie": f"preflight_login={form.cookies['preflight_login']}"}
        signed_in = client.post(
            "/ui/login", data={"csrf": token.group(1), "api_key": TENANT_KEYS["acme"]}, headers=login_cookie
        )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/ui/batches"
    session = next(c for c in signed_in.headers.get_list("set-cookie") if c.startswith("preflight_session="))
    attributes = {part.strip().split("=")[0].lower() for part in session.split(";")[1:]}
    assert {"httponly", "path", "max-age"} <= attributes and "samesite=strict" in session.lower()
    assert ("secure" in attributes) is https
