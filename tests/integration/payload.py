"""Building submissions for the API tests: a manifest plus the files it names."""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache
from typing import Any

import httpx

from tests.fixtures.bad_files import tiny_jpeg
from tests.fixtures.documents import Person, encode_jpeg, render_bill, render_id_card
from tests.fixtures.selfies import Scene, compose_selfie


@cache
def selfie(seed: int = 0) -> bytes:
    """A phone selfie of a person holding the applicant's ID card (seeded composition, public-domain face)."""
    return encode_jpeg(compose_selfie(Scene(seed=seed)).rgb)


def good_files(prefix: str, seed: int = 0) -> dict[str, bytes]:
    return {
        f"{prefix}/id.jpg": encode_jpeg(render_id_card(Person(), seed=seed % 3)),
        f"{prefix}/selfie.jpg": selfie(seed % 3),
        f"{prefix}/bill.jpg": encode_jpeg(render_bill(seed=seed)),
    }


def good_bundle(reference: str, prefix: str) -> dict[str, Any]:
    return {
        "reference": reference,
        "account_type": "individual",
        "profile": {
            "full_name": "Anna Maria Eriksson",
            "date_of_birth": "1974-08-12",
            "address": "12 Harbour Road, 4021 Utopia City",
            "country": "SE",
        },
        "documents": [
            {
                "role": "id_document",
                "file": f"{prefix}/id.jpg",
                "type": "passport",
                "issuing_country": "SE",
                "declared": {"document_number": "L898902C3", "expiry_date": "2031-04-15"},
            },
            {"role": "selfie", "file": f"{prefix}/selfie.jpg"},
            {
                "role": "proof_of_address",
                "file": f"{prefix}/bill.jpg",
                "type": "utility_bill",
                "declared": {"statement_date": "2026-10-05"},
            },
        ],
    }


def thumbnail_batch(bundles: int) -> tuple[dict[str, Any], dict[str, bytes]]:
    """A manifest of `bundles` bundles R-00, R-01 ... of thumbnails (IMAGE_TOO_SMALL), checked in about a second
    each: a batch that runs for a while, yet keeps a test short. And its files."""
    files: dict[str, bytes] = {}
    for i in range(bundles):
        files.update({f"r{i}/{name}": tiny_jpeg(seed=i) for name in ("id.jpg", "selfie.jpg", "bill.jpg")})
    return manifest(*(good_bundle(f"R-{i:02d}", f"r{i}") for i in range(bundles))), files


def manifest(*bundles: dict[str, Any], submit_on: str = "2026-12-01") -> dict[str, Any]:
    return {"submit_on": submit_on, "policy": "default", "bundles": list(bundles)}


def multipart(manifest_doc: dict[str, Any] | bytes, files: dict[str, bytes]) -> list[tuple[str, Any]]:
    raw = manifest_doc if isinstance(manifest_doc, bytes) else json.dumps(manifest_doc).encode()
    parts: list[tuple[str, Any]] = [("manifest", (None, raw, "application/json"))]
    parts += [("file", (name, data, "application/octet-stream")) for name, data in files.items()]
    return parts


def post_batch(
    client: httpx.Client, manifest_doc: dict[str, Any] | bytes, files: dict[str, bytes], **kwargs: Any
) -> httpx.Response:
    return client.post("/v1/batches", files=multipart(manifest_doc, files), **kwargs)


def zip_body(manifest_doc: dict[str, Any], files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest_doc))
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
