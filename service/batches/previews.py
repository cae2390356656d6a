"""GET .../bundles/{reference}/documents/{document}/preview.jpg: a document's annotated preview (docs/contract.md,
"Previews"), kept only when the batch or its tenant asked for previews and the document had a fail or review."""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from service.batches.store import BatchStore
from service.errors import NotFoundError
from service.openapi_docs import AUTH_PROBLEMS

Tenant = NamedDependency[str]
Store = NamedDependency[BatchStore]


@get(
    "/v1/batches/{batch_id:str}/bundles/{reference:str}/documents/{document:str}/preview.jpg",
    summary="A document's annotated preview: its outline and every fail or review finding's region, labelled",
    description="`document` is the document's role (`id_document`, `selfie`, ...), with `.2`, `.3` for a role's "
    "second and later documents (a card's back). 404 unless the batch (`previews` in the manifest) or its tenant "
    "(PREFLIGHT_PREVIEW_TENANTS) asked for previews and that document had a fail or review finding.",
    media_type="image/jpeg",
    responses=AUTH_PROBLEMS,
)
async def document_preview(
    batch_id: FromPath[str], reference: FromPath[str], document: FromPath[str], tenant: Tenant, store: Store
) -> Response[bytes]:
    await store.batch(tenant, batch_id)
    jpeg = await store.preview(batch_id, reference, document)
    if jpeg is None:
        raise NotFoundError(f"no preview of {document!r} kept for bundle {reference!r}", field="document")
    # Document imagery: never cached by a browser or a proxy.
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})
