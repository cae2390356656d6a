"""GET /v1/applicants/{reference}/attempts: the tenant's preflight attempts for one applicant, oldest first."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Router, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from service.auth import authenticate
from service.errors import NotFoundError
from service.openapi_docs import AUTH_PROBLEMS, json_body
from workers.history import Attempt, attempts_key, listed_attempts

Tenant = NamedDependency[str]


class ApplicantAttempts(msgspec.Struct):
    reference: str
    # Oldest first; codes and statuses only. Kept as long as verdicts are (PREFLIGHT_VERDICT_TTL_S, renewed by
    # each attempt); a deleted batch's attempts stay until then.
    attempts: list[Attempt]


@get(
    "/v1/applicants/{reference:str}/attempts",
    summary="An applicant's preflight attempts (codes and statuses only), oldest first",
    responses={**AUTH_PROBLEMS, 200: json_body(ApplicantAttempts, "The applicant's attempts")},
)
async def applicant_attempts(
    reference: FromPath[str], tenant: Tenant, request: Request[Any, Any, Any]
) -> ApplicantAttempts:
    raw: list[bytes] = await request.app.state.redis.lrange(attempts_key(tenant, reference), 0, -1)
    if not raw:
        raise NotFoundError(f"no attempts are known for applicant {reference!r}", field="reference")
    return ApplicantAttempts(reference=reference, attempts=listed_attempts(raw))


applicants_router = Router(
    path="/",
    route_handlers=[applicant_attempts],
    dependencies={"tenant": Provide(authenticate)},
    tags=["applicants"],
    security=[{"apiKey": []}],
)
