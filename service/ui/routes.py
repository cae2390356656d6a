"""The workspace's pages and actions under /ui: sign in with an API key, upload a batch (a zip, or a folder with
its manifest), follow it, read its bundles, export, delete. Server-rendered; the scripts only add the upload's
progress bar and live progress (service/ui/static). Every state-changing request carries the CSRF token."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import MediaType, Request, Response, Router, get, post
from litestar.datastructures import Cookie, UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Stream
from litestar.static_files import create_static_files_router

from service.auth import key_digest
from service.batches.export import csv_lines, ndjson_lines
from service.batches.intake import receive_batch
from service.batches.languages import language_choice
from service.batches.store import BatchStore
from service.errors import NotFoundError, PreflightError
from service.keyring import service_keyring
from service.ui.pages import STATIC_DIR, page
from service.ui.session import COOKIE, LOGIN_COOKIE, SESSION_TTL_S, Session, csrf_ok, csrf_token, issue, read
from service.ui.views import Filters, batch_row, batch_view, document_groups, primary
from workers.checks.model import BundleVerdict

AnyRequest = Request[Any, Any, Any]
LOGIN_FORM_TTL_S = 3600  # a sign-in form left open longer asks to be reloaded
# A batch page lists at most this many bundles (a corporate batch is tens; the API pages through thousands).
PAGE_BUNDLES = 1000


def _store(request: AnyRequest) -> BatchStore:
    return BatchStore(request.app.state.redis, request.app.state.settings)


def _session(request: AnyRequest) -> Session | None:
    return read(service_keyring(request.app.state.settings.sealing), request.cookies.get(COOKIE))


def _csrf(request: AnyRequest, session: Session) -> str:
    return csrf_token(service_keyring(request.app.state.settings.sealing), session)


def _checked(request: AnyRequest, session: Session, token: str | None) -> None:
    if not csrf_ok(service_keyring(request.app.state.settings.sealing), session, token):
        raise PreflightError("the form is stale or was not sent from this workspace: reload the page", field="csrf")


def _over_https(request: AnyRequest) -> bool:
    """Whether the browser reached us over TLS (directly, or through a proxy that says so): the session cookies
    are then marked Secure and never sent over plain HTTP. Trusting the header can only make a cookie stricter."""
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


def _private_cookie(request: AnyRequest, key: str, value: str, max_age: int) -> Cookie:
    """A workspace cookie: for /ui only, unreadable by scripts, never sent by another site's request."""
    return Cookie(
        key=key,
        value=value,
        path="/ui",
        httponly=True,
        samesite="strict",
        secure=_over_https(request),
        max_age=max_age,
    )


def _to_login() -> Redirect:
    return Redirect("/ui/login", status_code=303)


def _not_found(request: AnyRequest, session: Session, what: str) -> Response[str]:
    return page("not_found.html", status=404, tenant=session.tenant, csrf=_csrf(request, session), what=what)


@get("/ui", include_in_schema=False)
async def home(request: AnyRequest) -> Redirect:
    return Redirect("/ui/batches" if _session(request) else "/ui/login", status_code=303)


@get("/ui/login", include_in_schema=False)
async def login_form(request: AnyRequest) -> Response[str]:
    token = secrets.token_urlsafe(24)
    answer = page("login.html", login_csrf=token, error=None)
    answer.cookies.append(_private_cookie(request, LOGIN_COOKIE, token, LOGIN_FORM_TTL_S))
    return answer


@post("/ui/login", include_in_schema=False)
async def login(
    request: AnyRequest, data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Response[str] | Redirect:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, data.get("csrf", "")):
        return page("login.html", status=403, login_csrf=expected, error="The form expired: sign in again.")
    table: dict[str, str] = request.app.state.api_key_hashes
    digest = key_digest(data.get("api_key", "").strip())
    tenant = next((t for known, t in table.items() if secrets.compare_digest(known, digest)), None)
    if tenant is None:
        return page("login.html", status=401, login_csrf=expected, error="This API key is not known.")
    answer = Redirect("/ui/batches", status_code=303)
    cookie = issue(service_keyring(request.app.state.settings.sealing), tenant)
    answer.cookies.append(_private_cookie(request, COOKIE, cookie, SESSION_TTL_S))
    answer.cookies.append(Cookie(key=LOGIN_COOKIE, value="", path="/ui", max_age=0))
    return answer


@post("/ui/logout", include_in_schema=False)
async def logout(
    request: AnyRequest, data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Redirect:
    session = _session(request)
    if session is not None:
        _checked(request, session, data.get("csrf"))
    answer = _to_login()
    answer.cookies.append(Cookie(key=COOKIE, value="", path="/ui", max_age=0))
    return answer


@get("/ui/batches", include_in_schema=False)
async def batches(request: AnyRequest) -> Response[str] | Redirect:
    session = _session(request)
    if session is None:
        return _to_login()
    rows = [batch_row(b, r) for b, r in await _store(request).recent_batches(session.tenant)]
    return page("batches.html", tenant=session.tenant, csrf=_csrf(request, session), rows=rows)


@get("/ui/batches.json", include_in_schema=False)
async def batches_progress(request: AnyRequest) -> Response[bytes]:
    session = _session(request)
    if session is None:
        return Response(b"[]", status_code=401, media_type=MediaType.JSON)
    rows = [batch_row(b, r) for b, r in await _store(request).recent_batches(session.tenant)]
    return Response(msgspec.json.encode(rows), media_type=MediaType.JSON, headers={"Cache-Control": "no-store"})


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data


@post("/ui/batches", include_in_schema=False, status_code=201)
async def upload(request: AnyRequest) -> Response[bytes]:
    """The page's script sends the zip (application/zip) or the folder (multipart: manifest and files) here, with
    the CSRF token in X-CSRF-Token; the answer names the new batch's page."""
    session = _session(request)
    if session is None:
        return Response(b'{"detail": "sign in first"}', status_code=401, media_type=MediaType.JSON)
    _checked(request, session, request.headers.get("x-csrf-token"))
    content_type = request.headers.get("content-type", "")
    created = await receive_batch(_store(request), session.tenant, content_type, request.stream())
    body = {"batch_id": created.batch_id, "url": f"/ui/batches/{created.batch_id}"}
    return Response(msgspec.json.encode(body), status_code=201, media_type=MediaType.JSON)


@post("/ui/batches/archive", include_in_schema=False)
async def upload_form(
    request: AnyRequest,
    data: Annotated[dict[str, UploadFile | str], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Redirect:
    """The same upload without scripts: a form with the zip in its `archive` field."""
    session = _session(request)
    if session is None:
        return _to_login()
    token = data.get("csrf")
    _checked(request, session, token if isinstance(token, str) else None)
    archive = data.get("archive")
    if not isinstance(archive, UploadFile):
        raise PreflightError("choose a zip file holding manifest.json and the files", field="archive")
    created = await receive_batch(_store(request), session.tenant, "application/zip", _one(await archive.read()))
    return Redirect(f"/ui/batches/{created.batch_id}", status_code=303)


@dataclass(frozen=True)
class _OpenBatch:
    session: Session
    store: BatchStore
    record: dict[str, str]


async def _open_batch(request: AnyRequest, batch_id: str) -> _OpenBatch | Response[str] | Redirect:
    """The signed-in tenant's batch, or the page to answer instead (sign in; not found, also for another
    tenant's batch, which is never told apart from a missing one)."""
    session = _session(request)
    if session is None:
        return _to_login()
    store = _store(request)
    try:
        return _OpenBatch(session, store, await store.batch(session.tenant, batch_id))
    except NotFoundError:
        return _not_found(request, session, f"batch {batch_id}")


async def _verdicts(store: BatchStore, batch_id: str) -> list[BundleVerdict]:
    refs = await store.references(batch_id, 0, PAGE_BUNDLES)
    return [msgspec.json.decode(r, type=BundleVerdict) for r in await store.verdicts(batch_id, refs) if r]


@get("/ui/batches/{batch_id:str}", include_in_schema=False)
async def batch_page(
    request: AnyRequest, batch_id: FromPath[str], verdict: str = "", code: str = "", role: str = ""
) -> Response[str] | Redirect:
    opened = await _open_batch(request, batch_id)
    if not isinstance(opened, _OpenBatch):
        return opened
    session, store, record = opened.session, opened.store, opened.record
    filters = Filters(verdict, code, role)
    view = batch_view(await _verdicts(store, batch_id), filters)
    return page(
        "batch.html",
        tenant=session.tenant,
        csrf=_csrf(request, session),
        row=batch_row(batch_id, record),
        view=view,
        filters=filters,
        primary=primary,
    )


@get("/ui/batches/{batch_id:str}/bundles/{reference:str}", include_in_schema=False)
async def bundle_page(
    request: AnyRequest, batch_id: FromPath[str], reference: FromPath[str], lang: str | None = None
) -> Response[str] | Redirect:
    opened = await _open_batch(request, batch_id)
    if not isinstance(opened, _OpenBatch):
        return opened
    session, store = opened.session, opened.store
    raw = (await store.verdicts(batch_id, [reference]))[0]
    if raw is None:
        return _not_found(request, session, f"a checked bundle {reference}")
    chosen = language_choice(lang, request.headers.get("accept-language"))
    shown = chosen.apply(msgspec.json.decode(raw, type=BundleVerdict))
    groups = document_groups(shown, await store.preview_documents(batch_id, reference))
    return page(
        "bundle.html",
        tenant=session.tenant,
        csrf=_csrf(request, session),
        batch_id=batch_id,
        verdict=shown,
        first=primary(shown),
        groups=groups,
    )


@get("/ui/batches/{batch_id:str}/bundles/{reference:str}/documents/{document:str}/preview.jpg", include_in_schema=False)
async def preview(
    request: AnyRequest, batch_id: FromPath[str], reference: FromPath[str], document: FromPath[str]
) -> Response[bytes]:
    session = _session(request)
    store = _store(request)
    if session is None:
        return Response(b"", status_code=401)
    await store.batch(session.tenant, batch_id)
    jpeg = await store.preview(batch_id, reference, document)
    if jpeg is None:
        return Response(b"", status_code=404)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@get("/ui/batches/{batch_id:str}/export/{kind:str}", include_in_schema=False)
async def export(request: AnyRequest, batch_id: FromPath[str], kind: FromPath[str]) -> Stream | Response[bytes]:
    session = _session(request)
    if session is None or kind not in ("csv", "ndjson"):
        return Response(b"", status_code=404 if session else 401)
    store = _store(request)
    await store.batch(session.tenant, batch_id)
    await store.ensure_readable(batch_id)
    disposition = {"Content-Disposition": f'attachment; filename="{batch_id}.{kind}"'}
    if kind == "csv":
        return Stream(csv_lines(store, batch_id), media_type="text/csv", headers=disposition)
    lines = ndjson_lines(store, batch_id, language_choice(None, None))
    return Stream(lines, media_type="application/x-ndjson", headers=disposition)


@post("/ui/batches/{batch_id:str}/delete", include_in_schema=False)
async def delete_batch(
    request: AnyRequest,
    batch_id: FromPath[str],
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect | Response[str]:
    session = _session(request)
    if session is None:
        return _to_login()
    _checked(request, session, data.get("csrf"))
    store = _store(request)
    try:
        await store.batch(session.tenant, batch_id)
    except NotFoundError:
        return _not_found(request, session, f"batch {batch_id}")
    await store.delete(batch_id)
    return Redirect("/ui/batches", status_code=303)


ui_router = Router(
    path="/",
    route_handlers=[
        home,
        login_form,
        login,
        logout,
        batches,
        batches_progress,
        upload,
        upload_form,
        batch_page,
        bundle_page,
        preview,
        export,
        delete_batch,
        create_static_files_router(path="/ui/static", directories=[STATIC_DIR], include_in_schema=False),
    ],
    include_in_schema=False,
)
