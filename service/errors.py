"""One error hierarchy, mapped to RFC 9457 problem details (application/problem+json) in one place."""

from __future__ import annotations

from typing import Any, ClassVar

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.types import ExceptionHandlersMap

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://kyc-preflight.dev/problems/"


class PreflightError(Exception):
    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra


class BadRequestError(PreflightError):
    pass


class ManifestInvalidError(PreflightError):
    status = 422
    slug = "manifest-invalid"
    title = "The manifest cannot be accepted"


class UnauthorizedError(PreflightError):
    status = 401
    slug = "unauthorized"
    title = "Missing or unknown API key"


class NotFoundError(PreflightError):
    status = 404
    slug = "not-found"
    title = "Not found"


class PayloadTooLargeError(PreflightError):
    status = 413
    slug = "payload-too-large"
    title = "Request or file too large"


class UnsupportedMediaTypeError(PreflightError):
    status = 415
    slug = "unsupported-media-type"
    title = "Unsupported content type"


class ServiceUnavailableError(PreflightError):
    status = 503
    slug = "unavailable"
    title = "Service not ready"


def problem(status: int, slug: str, title: str, detail: str, field: str | None = None, **extra: Any) -> Response[Any]:
    body: dict[str, Any] = {"type": _TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
    if field is not None:
        body["field"] = field
    body.update(extra)
    headers = {"WWW-Authenticate": 'Bearer realm="kyc-preflight"'} if status == 401 else None
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _preflight(_: Request[Any, Any, Any], exc: PreflightError) -> Response[Any]:
    return problem(exc.status, exc.slug, exc.title, exc.detail, exc.field, **exc.extra)


def _http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, RequestEntityTooLarge):
        return problem(
            413, PayloadTooLargeError.slug, PayloadTooLargeError.title, "The request body is over the size cap."
        )
    if isinstance(exc, NotFoundException):
        return problem(404, NotFoundError.slug, NotFoundError.title, exc.detail)
    field = None
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list) and exc.extra:
        first = exc.extra[0]
        field = first.get("key") if isinstance(first, dict) else None
    return problem(exc.status_code, "http-error", str(exc.detail), str(exc.detail), field)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {PreflightError: _preflight, HTTPException: _http}
