"""HTTP endpoints of API v1 for batches and single bundles."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

import anyio
import msgspec
from litestar import Controller, Request, Response, Router, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, HeaderParameter, QueryParameter
from litestar.response import Stream
from litestar.response.base import ASGIResponse

from service.auth import authenticate
from service.batches.escalation import EscalationPacket, build_packet, packet_markdown
from service.batches.export import csv_lines, ndjson_lines
from service.batches.intake import receive_batch
from service.batches.languages import AcceptLanguage, Lang, language_choice
from service.batches.previews import document_preview
from service.batches.schemas import (
    BatchAccepted,
    BatchStatus,
    BundlePending,
    CodeCount,
    Counts,
    Links,
    VerdictCounts,
    VerdictPage,
)
from service.batches.store import BatchStore, Created
from service.errors import NotFoundError
from service.openapi_docs import (
    AUTH_PROBLEMS,
    CSV,
    MARKDOWN,
    NDJSON,
    SUBMIT_PROBLEMS,
    EscalationOperation,
    SubmissionOperation,
    VerdictsOperation,
    bundle_responses,
    json_body,
)
from workers.checks.model import BundleVerdict
from workers.webhooks.signing import CALLBACK_SECRET_HEADER

_SUBMIT_DOC = (
    "multipart/form-data with a `manifest` part (JSON, ARCHITECTURE section 1) and one file part per document, "
    "whose filename is the manifest's `file`; or an application/zip body holding manifest.json and the files."
)
# Above any batch (PREFLIGHT_MAX_BUNDLES); larger offsets are refused with a 400, not passed to Redis, whose list
# indexes are 64-bit.
MAX_OFFSET = 2**31 - 1
IdempotencyKey = Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False)]
Tenant = NamedDependency[str]
Store = NamedDependency[BatchStore]


class ExportStream(Stream):
    """A streamed export served with its own media type. Litestar's Stream gives the handler's media type (JSON,
    for the route that also answers JSON pages) precedence over the one it was made with, so every NDJSON and CSV
    export went out labelled application/json."""

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ASGIResponse:
        return super().to_asgi_response(*args, **{**kwargs, "media_type": self.media_type})


def provide_store(request: Request[Any, Any, Any]) -> BatchStore:
    return BatchStore(request.app.state.redis, request.app.state.settings)


def _links(batch_id: str, reference: str | None = None) -> Links:
    bundle = None if reference is None else f"/v1/batches/{batch_id}/bundles/{quote(reference, safe='')}"
    return Links(status=f"/v1/batches/{batch_id}", verdicts=f"/v1/batches/{batch_id}/verdicts", bundle=bundle)


def _callback_headers(secret: str | None) -> dict[str, str]:
    """The callback's secret also as a header: POST /v1/check may answer with a verdict, which has no room for it."""
    return {CALLBACK_SECRET_HEADER: secret} if secret else {}


def _accepted(batch_id: str, bundles: int, state: str, callback_secret: str | None = None) -> Response[BatchAccepted]:
    body = BatchAccepted(batch_id=batch_id, state=state, bundles=bundles, links=_links(batch_id),
                         callback_secret=callback_secret)  # fmt: skip
    return Response(
        body, status_code=202, headers={"Location": body.links.status, **_callback_headers(callback_secret)}
    )


async def _receive(
    request: Request[Any, Any, Any], store: BatchStore, tenant: str, key: str | None, *, single: bool = False
) -> Created:
    content_type = request.headers.get("content-type", "")
    return await receive_batch(store, tenant, content_type, request.stream(), key, single=single)


class BatchController(Controller):
    """Mounted under /v1 by `v1_router`, which also provides `tenant` (auth) and `store`."""

    @post(
        "/v1/batches",
        status_code=202,
        description=_SUBMIT_DOC,
        summary="Submit a batch of bundles",
        operation_class=SubmissionOperation,
        responses=SUBMIT_PROBLEMS,
    )
    async def submit(
        self, request: Request[Any, Any, Any], tenant: Tenant, store: Store, idempotency_key: IdempotencyKey
    ) -> Response[BatchAccepted]:
        if idempotency_key and (earlier := await store.idempotent_batch(tenant, idempotency_key)):
            record = await store.batch(tenant, earlier)
            return _accepted(earlier, int(record["total"]), record["state"])
        created = await _receive(request, store, tenant, idempotency_key)
        record = await store.batch(tenant, created.batch_id)
        return _accepted(created.batch_id, int(record["total"]), record["state"], created.callback_secret)

    @post(
        "/v1/check",
        status_code=200,
        operation_class=SubmissionOperation,
        responses={
            **SUBMIT_PROBLEMS,
            **bundle_responses(BundleVerdict, BatchAccepted, "Not ready in time: the batch, and its bundle's link"),
        },
        summary="Check one bundle and wait briefly for its verdict",
        description=_SUBMIT_DOC + " The manifest must hold exactly one bundle. Answers 200 with the verdict if "
        "it is ready within PREFLIGHT_INLINE_WAIT_S seconds, else 202 with the batch links.",
    )
    async def check_one(
        self,
        request: Request[Any, Any, Any],
        tenant: Tenant,
        store: Store,
        idempotency_key: IdempotencyKey,
        lang: Lang = None,
        accept_language: AcceptLanguage = None,
    ) -> Response[BundleVerdict | BatchAccepted]:
        language = language_choice(lang, accept_language)  # a bad ?lang= is refused before anything is written
        created = await _receive(request, store, tenant, idempotency_key, single=True)
        batch_id = created.batch_id
        refs = await store.references(batch_id, 0, 1)
        with anyio.move_on_after(store.settings.limits.inline_wait_s):
            while True:
                raw = (await store.verdicts(batch_id, refs))[0]
                if raw is not None:
                    verdict = language.apply(msgspec.json.decode(raw, type=BundleVerdict))
                    return Response(verdict, status_code=200, headers=_callback_headers(created.callback_secret))
                await anyio.sleep(0.05)
        # Not ready in time: the bundle's own address, where the verdict will be (202 until then).
        body = BatchAccepted(batch_id=batch_id, state="queued", bundles=1, links=_links(batch_id, refs[0]),
                             callback_secret=created.callback_secret)  # fmt: skip
        headers = {"Location": body.links.bundle or body.links.status, **_callback_headers(created.callback_secret)}
        return Response(body, status_code=202, headers=headers)

    @get("/v1/batches/{batch_id:str}", summary="Batch progress and verdict summary", responses=AUTH_PROBLEMS)
    async def status(self, batch_id: FromPath[str], tenant: Tenant, store: Store) -> BatchStatus:
        record = await store.batch(tenant, batch_id)
        total, done = int(record["total"]), int(record["done"])
        return BatchStatus(
            batch_id=batch_id,
            state=record["state"],  # type: ignore[arg-type]
            created_at=record["created_at"],
            submit_on=record["submit_on"],
            policy=record["policy"],
            counts=Counts(total=total, done=done, pending=total - done),
            verdicts=VerdictCounts(
                ready=int(record.get("count:ready", 0)),
                fix_required=int(record.get("count:fix_required", 0)),
                review=int(record.get("count:review", 0)),
            ),
            top_codes=[CodeCount(code, count) for code, count in await store.top_codes(batch_id)],
            links=_links(batch_id),
            finalized_at=record.get("finalized_at"),
        )

    @get(
        "/v1/batches/{batch_id:str}/verdicts",
        summary="Verdicts of a batch (JSON pages, NDJSON or CSV)",
        operation_class=VerdictsOperation,
        responses={
            **AUTH_PROBLEMS,
            200: json_body(VerdictPage, "A page of verdicts (`format=json`), or all of them streamed"),
        },
    )
    async def verdicts(
        self,
        batch_id: FromPath[str],
        tenant: Tenant,
        store: Store,
        format: Annotated[Literal["json", "ndjson", "csv"], QueryParameter()] = "json",
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
        lang: Lang = None,
        accept_language: AcceptLanguage = None,
    ) -> VerdictPage | Stream:
        language = language_choice(lang, accept_language)
        record = await store.batch(tenant, batch_id)
        await store.ensure_readable(batch_id)  # a wrong master key is a problem response, not a cut stream
        if format == "ndjson":
            return ExportStream(ndjson_lines(store, batch_id, language), media_type=NDJSON)
        if format == "csv":
            headers = {"Content-Disposition": f'attachment; filename="{batch_id}.csv"'}
            return ExportStream(csv_lines(store, batch_id), media_type=CSV, headers=headers)
        total = int(record["total"])
        refs = await store.references(batch_id, offset, limit)
        stored = [r for r in await store.verdicts(batch_id, refs) if r]
        items = [language.apply(msgspec.json.decode(r, type=BundleVerdict)) for r in stored]
        following = offset + limit
        next_link = f"/v1/batches/{batch_id}/verdicts?offset={following}&limit={limit}" if following < total else None
        return VerdictPage(batch_id=batch_id, offset=offset, limit=limit, total=total, items=items, next=next_link)

    @get(
        "/v1/batches/{batch_id:str}/bundles/{reference:str}",
        summary="One bundle's verdict (202 while it is still pending)",
        responses={**AUTH_PROBLEMS, **bundle_responses(BundleVerdict, BundlePending, "Not checked yet")},
    )
    async def bundle(
        self,
        batch_id: FromPath[str],
        reference: FromPath[str],
        tenant: Tenant,
        store: Store,
        lang: Lang = None,
        accept_language: AcceptLanguage = None,
    ) -> Response[BundleVerdict | BundlePending]:
        language = language_choice(lang, accept_language)
        await store.batch(tenant, batch_id)
        raw = (await store.verdicts(batch_id, [reference]))[0]
        if raw is not None:
            return Response(language.apply(msgspec.json.decode(raw, type=BundleVerdict)))
        if not await store.has_reference(batch_id, reference):
            raise NotFoundError(f"batch {batch_id} has no bundle {reference!r}", field="reference")
        return Response(BundlePending(batch_id=batch_id, reference=reference), status_code=202)

    @get(
        "/v1/batches/{batch_id:str}/bundles/{reference:str}/escalation",
        summary="Escalation packet for an applicant locked out after a submission (JSON, or Markdown: format=md)",
        operation_class=EscalationOperation,
        responses={
            **AUTH_PROBLEMS,
            **bundle_responses(EscalationPacket, BundlePending, "The bundle is not checked yet"),
        },
    )
    async def escalation(
        self,
        batch_id: FromPath[str],
        reference: FromPath[str],
        tenant: Tenant,
        store: Store,
        request: Request[Any, Any, Any],
        format: Annotated[Literal["json", "md"], QueryParameter()] = "json",
    ) -> Response[EscalationPacket | BundlePending | str]:
        record = await store.batch(tenant, batch_id)
        raw = (await store.verdicts(batch_id, [reference]))[0]
        if raw is None:
            if not await store.has_reference(batch_id, reference):
                raise NotFoundError(f"batch {batch_id} has no bundle {reference!r}", field="reference")
            return Response(BundlePending(batch_id=batch_id, reference=reference), status_code=202)
        subject = request.app.state.settings.escalation.subject_template
        packet = build_packet(msgspec.json.decode(raw, type=BundleVerdict), batch_id, record.get("created_at"), subject)
        if format == "md":
            return Response(packet_markdown(packet), media_type=f"{MARKDOWN}; charset=utf-8")
        return Response(packet)

    @delete(
        "/v1/batches/{batch_id:str}",
        status_code=204,
        summary="Delete a batch, its files and its verdicts",
        responses=AUTH_PROBLEMS,
    )
    async def remove(self, batch_id: FromPath[str], tenant: Tenant, store: Store) -> None:
        await store.batch(tenant, batch_id)
        await store.delete(batch_id)


v1_router = Router(
    path="/",
    route_handlers=[BatchController, document_preview],
    dependencies={"tenant": Provide(authenticate), "store": Provide(provide_store, sync_to_thread=False)},
    tags=["batches"],
    # Every batch route needs a key; the health probes (outside this router) need none.
    security=[{"apiKey": []}],
)
