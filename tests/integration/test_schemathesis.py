"""Requests generated from the OpenAPI document by schemathesis, sent to the real API (uvicorn over HTTP, a real
redis-server, a real Celery worker): no answer is a 5xx, and every answer is one the document describes (its status
code, its media type, its documented headers, and a body that matches the schema given for them).

Bounded and deterministic: a fixed number of examples per operation and generation mode (valid requests, and
requests the document says are invalid), derandomized (the same requests every run), no example database, no
shrinking (every failure is collected instead). After the generated runs, the submission routes get valid
manifests (multipart and zip: generated manifests almost never pass the manifest's own rules), and the read routes
are run again with the batch thus created in their path, so JSON pages, NDJSON, CSV and single verdicts are checked
too, not only 404s.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.openapi_export import OPENAPI_PATH
from tests.integration.payload import manifest, zip_body
from tests.integration.stack import TENANT_KEYS, Stack, running_stack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]
# The zip body is `format: binary`: sent as raw bytes, like application/octet-stream (else schemathesis skips it).
schemathesis.serializer.alias("application/zip", "application/octet-stream")

POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
# Examples per operation and mode (7 operations), then the valid submissions and the runs against a real batch.
GENERATED = {POSITIVE: 25, NEGATIVE: 15}
VALID_SUBMISSIONS = 4
SEEDED = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
Operation = schemathesis.APIOperation[Any, Any, Any, Any]
AUTH = {"Authorization": f"Bearer {TENANT_KEYS['acme']}"}
REFERENCE = "UID-1"
# One bundle without documents: valid, and the worker's verdict on it (fix_required: roles missing) is quick.
VALID_MANIFEST = manifest({"reference": REFERENCE, "profile": {"full_name": "Anna Maria Eriksson"}, "documents": []})


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    by_operation: Counter[str] = field(default_factory=Counter)
    # (operation, failure code, title) -> (how many answers failed so, the first one's request and message)
    failures: dict[tuple[str, str, str], tuple[int, str]] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def fail(self, operation: str, failure: Failure, request: str) -> None:
        key = (operation, failure.code, failure.title)
        count, message = self.failures.get(key, (0, f"{request}\n{failure.message[:1500]}"))
        self.failures[key] = (count + 1, message)

    def report(self) -> str:
        return "\n\n".join(
            f"{operation}: {code} {title} (x{count})\n{message}"
            for (operation, code, title), (count, message) in self.failures.items()
        )

    def summary(self) -> str:
        classes = Counter(f"{status // 100}xx" for status in self.statuses.elements())
        return (
            f"{self.requests} requests; by class {dict(sorted(classes.items()))}; "
            f"by status {dict(sorted(self.statuses.items()))}; by operation {dict(sorted(self.by_operation.items()))}"
        )


@dataclass
class Runner:
    base_url: str
    session: requests.Session
    tally: Tally = field(default_factory=Tally)

    def run(self, operation: Operation, mode: GenerationMode, examples: int, **fixed: Any) -> None:
        """Send up to `examples` generated requests to `operation` (`fixed`: parts of the request not generated)."""

        @given(case=operation.as_strategy(generation_mode=mode, **fixed))
        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def send(case: schemathesis.Case[Operation]) -> None:
            response = case.call(base_url=self.base_url, session=self.session, headers=AUTH, timeout=30)
            self.tally.statuses[response.status_code] += 1
            self.tally.by_operation[f"{operation.label} {response.status_code}"] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=AUTH)
            except FailureGroup as exc:
                request = f"{mode.value}: {response.request.method} {response.request.url}"
                for failure in exc.exceptions:
                    self.tally.fail(operation.label, failure, request)

        try:
            send()
        except Unsatisfiable:
            # Nothing to negate: an operation without parameters or body (the health probes) has no invalid request.
            assert mode is NEGATIVE and not operation.path_parameters and not operation.body, operation.label


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # A short inline wait: POST /v1/check answers 202 after it rather than holding a request for 10 s.
    tmp: Path = tmp_path_factory.mktemp("schemathesis")
    with running_stack(tmp, workers=1, extra_env={"PREFLIGHT_INLINE_WAIT_S": "0.5"}) as running:
        yield running


def _newest_batch(stack: Stack) -> str:
    with stack.client() as client:
        answer = client.post(
            "/v1/batches", files=[("manifest", (None, json.dumps(VALID_MANIFEST), "application/json"))]
        )
    assert answer.status_code == 202, answer.text
    batch_id: str = answer.json()["batch_id"]
    stack.wait_done(batch_id, timeout_s=60)
    return batch_id


def test_generated_requests_get_documented_answers(api: Stack) -> None:
    started = time.monotonic()
    served = requests.get(api.api_url + "/schema/openapi.json", timeout=10).json()
    assert served == json.loads(OPENAPI_PATH.read_text()), "the served document is not the committed one"
    operations: dict[str, Operation] = {}
    for result in schemathesis.openapi.from_dict(served).get_all_operations():
        assert isinstance(result, Ok), result.err()
        operations[result.ok().label] = result.ok()
    with requests.Session() as session:
        runner = Runner(api.api_url, session)
        for operation in operations.values():
            for mode, examples in GENERATED.items():
                runner.run(operation, mode, examples)
        for label in ("POST /v1/batches", "POST /v1/check"):
            operation = operations[label]
            runner.run(
                operation,
                POSITIVE,
                VALID_SUBMISSIONS,
                body={"manifest": VALID_MANIFEST},
                media_type="multipart/form-data",
            )
            runner.run(
                operation, POSITIVE, VALID_SUBMISSIONS, body=zip_body(VALID_MANIFEST, {}), media_type="application/zip"
            )
        # The read routes with a real batch in the path (and its bundle's reference); DELETE last: it removes it.
        batch_id = _newest_batch(api)
        for label in (
            "GET /v1/batches/{batch_id}",
            "GET /v1/batches/{batch_id}/verdicts",
            "GET /v1/batches/{batch_id}/bundles/{reference}",
            "DELETE /v1/batches/{batch_id}",
        ):
            path = {"batch_id": batch_id, **({"reference": REFERENCE} if "{reference}" in label else {})}
            runner.run(operations[label], POSITIVE, SEEDED, path_parameters=path)
    tally = runner.tally
    print(f"\nschemathesis {schemathesis.__version__}: {tally.summary()}; {time.monotonic() - started:.1f} s")
    assert tally.requests >= 300, tally.summary()
    assert not tally.failures, tally.report()
    assert not [status for status in tally.statuses if status >= 500], tally.summary()
    # The valid submissions and the real batch were answered as such, not only with problems.
    assert {200, 202, 204} <= set(tally.statuses), tally.summary()
