"""One error hierarchy, mapped to RFC 9457 problem details (application/problem+json) in one place."""

from __future__ import annotations

import logging
import traceback
from typing import Any, ClassVar

from kombu.exceptions import OperationalError
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.types import ExceptionHandlersMap

from workers.redis_client import REDIS_OUTAGE

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://kyc-preflight.dev/problems/"
# Redis unreachable, timing out or still loading its data after a restart (workers.redis_client.REDIS_OUTAGE),
# and the broker (the same Redis) refusing a message: 503 with Retry-After, not a 500.
_OUTAGE = (*REDIS_OUTAGE, OperationalError)
# Retry-After of a 503 when the app state carries no settings (it always does in service.app).
_DEFAULT_RETRY_AFTER_S = 5

log = logging.getLogger(__name__)


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


class InvalidRequestError(PreflightError):
    status = 422
    slug = "invalid-request"
    title = "The request cannot be accepted"


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


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    field: str | None = None,
    *,
    retry_after_s: int | None = None,
    **extra: Any,
) -> Response[Any]:
    body: dict[str, Any] = {"type": _TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
    if field is not None:
        body["field"] = field
    body.update(extra)
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="kyc-preflight"'
    if retry_after_s is not None:
        headers["Retry-After"] = str(retry_after_s)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers or None)


def _retry_after_s(request: Request[Any, Any, Any]) -> int:
    settings = request.app.state.get("settings")
    return int(settings.redis_client.retry_after_s) if settings is not None else _DEFAULT_RETRY_AFTER_S


def _preflight(request: Request[Any, Any, Any], exc: PreflightError) -> Response[Any]:
    retry_after = _retry_after_s(request) if exc.status == 503 else None
    return problem(exc.status, exc.slug, exc.title, exc.detail, exc.field, retry_after_s=retry_after, **exc.extra)


def _outage(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Redis (store and broker) is unreachable, e.g. restarting: nothing is wrong with the request, so 503 with
    Retry-After; the Redis client reconnects by itself once Redis is back."""
    log.warning(
        "%s %s: Redis unreachable (%s)", request.method, request.scope.get("path_template", "?"), type(exc).__name__
    )
    return _preflight(request, ServiceUnavailableError("Redis is not reachable; try again shortly"))


def where_raised(exc: BaseException) -> str:
    """The traceback of `exc` (and of the exceptions it was raised from or during): files, line numbers and
    functions only. The exceptions' own texts are left out (they may quote a manifest, a name, a file name), and
    so are the source lines (a literal in one could be data)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(
            f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
            for f in traceback.extract_tb(current.__traceback__)
        )
        parts.append(f"{type(current).__module__}.{type(current).__qualname__}, raised at:\n{frames}")
        current = current.__cause__ or current.__context__
    return "... while handling ".join(parts).rstrip()


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Anything else: logged with its type and traceback, never its text (an exception's text may quote a
    manifest), answered as a problem."""
    log.error(
        "%s %s: unexpected %s\n%s",
        request.method,
        request.scope.get("path_template", "?"),
        type(exc).__name__,
        where_raised(exc),
    )
    return problem(500, "internal-error", "Internal error", "The request could not be completed; it was logged.")


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, RequestEntityTooLarge):
        settings = request.app.state.get("settings")
        cap = settings.limits.max_request_bytes if settings is not None else None
        detail = (
            f"The request body is over {cap} bytes, the cap on bytes per request (PREFLIGHT_MAX_REQUEST_BYTES)."
            if cap is not None
            else "The request body is over the size cap."
        )
        extra = {"cap": cap} if cap is not None else {}
        return problem(413, PayloadTooLargeError.slug, PayloadTooLargeError.title, detail, "body", **extra)
    if isinstance(exc, NotFoundException):
        return problem(404, NotFoundError.slug, NotFoundError.title, exc.detail)
    field = None
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list) and exc.extra:
        first = exc.extra[0]
        field = first.get("key") if isinstance(first, dict) else None
    return problem(exc.status_code, "http-error", str(exc.detail), str(exc.detail), field)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    PreflightError: _preflight,
    HTTPException: _http,
    **dict.fromkeys(_OUTAGE, _outage),
    Exception: _unexpected,
}
