"""An unexpected error is a problem+json 500, logged with its type and traceback but never its text (which may
quote a manifest). The service's own exception handlers, on a real Litestar app served in-process."""

from __future__ import annotations

import logging

from litestar import Litestar, get
from litestar.testing import TestClient

from service.errors import EXCEPTION_HANDLERS, PROBLEM_JSON


def _deep_helper() -> None:
    raise ValueError("profile of Anna Maria Eriksson, born 1974-08-12")


@get("/boom")
async def boom() -> None:
    try:
        _deep_helper()
    except ValueError as exc:
        raise KeyError("uid1001/passport.jpg") from exc


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_unexpected_error_is_a_logged_500_problem_without_personal_data() -> None:
    app = Litestar([boom], exception_handlers=EXCEPTION_HANDLERS)
    kept = _Kept()
    logging.getLogger("service.errors").addHandler(kept)
    try:
        with TestClient(app) as client:
            answer = client.get("/boom")
    finally:
        logging.getLogger("service.errors").removeHandler(kept)
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    assert answer.json()["type"].endswith("/internal-error")
    logged = "\n".join(r.getMessage() for r in kept.records)
    assert "unexpected KeyError" in logged
    assert "in boom" in logged and "in _deep_helper" in logged  # the traceback, the cause's too
    assert "builtins.ValueError" in logged
    for secret in ("Anna", "1974-08-12", "passport.jpg"):
        assert secret not in logged, logged
    assert secret not in answer.text
