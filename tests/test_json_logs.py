"""The JSON log formatter: one parseable line per record, with the ids in scope, never an exception's message."""

from __future__ import annotations

import json
import logging

import pytest

from workers.logs import JsonFormatter, log_context


def _record(message: str, *, exc: BaseException | None = None, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("workers.tasks", logging.WARNING, __file__, 1, message, (), None)
    if exc is not None:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    record.__dict__.update(extra)
    return record


def test_a_record_with_ids_is_one_json_line_carrying_them() -> None:
    line = JsonFormatter().format(_record("bundle\nchecked", batch_id="b_1", tenant="acme", bundle_index=3))
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "bundle\nchecked"
    assert (parsed["batch_id"], parsed["tenant"], parsed["bundle_index"], parsed["level"]) == (
        "b_1",
        "acme",
        3,
        "WARNING",
    )


def test_the_context_in_scope_reaches_each_line_and_ends_with_its_block() -> None:
    with log_context(batch_id="b_2", bundle_index=0):
        inside = json.loads(JsonFormatter().format(_record("x")))
    outside = json.loads(JsonFormatter().format(_record("x")))
    assert (inside["batch_id"], inside["bundle_index"]) == ("b_2", 0)
    assert "batch_id" not in outside


def test_an_exception_gives_its_type_never_its_message() -> None:
    try:
        raise ValueError("L898902C3 Anna Maria Eriksson")
    except ValueError as exc:
        line = JsonFormatter().format(_record("engine raised", exc=exc))
    parsed = json.loads(line)
    assert parsed["exc_type"] == "ValueError" and parsed["stack"]
    assert "L898902C3" not in line and "Eriksson" not in line


def test_only_id_fields_are_accepted_as_context() -> None:
    with pytest.raises(ValueError), log_context(full_name="Anna"):
        pass
