"""The manifest (ARCHITECTURE section 1): the one input format, shared by the API, the CLI and the workers."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import msgspec

from workers.checks.dates import DateReading, read_date
from workers.checks.languages import LANGUAGES, language_tag


class Role(StrEnum):
    ID_DOCUMENT = "id_document"
    SELFIE = "selfie"
    PROOF_OF_ADDRESS = "proof_of_address"
    BUSINESS_REGISTRATION = "business_registration"
    AUTHORIZATION_LETTER = "authorization_letter"


class Side(StrEnum):
    """Which side of a two-sided document a file shows (a passport's data page is its front)."""

    FRONT = "front"
    BACK = "back"


class AccountType(StrEnum):
    INDIVIDUAL = "individual"
    CORPORATE = "corporate"


REQUIRED_ROLES: dict[AccountType, tuple[Role, ...]] = {
    AccountType.INDIVIDUAL: (Role.ID_DOCUMENT, Role.SELFIE, Role.PROOF_OF_ADDRESS),
    AccountType.CORPORATE: (
        Role.ID_DOCUMENT,
        Role.SELFIE,
        Role.PROOF_OF_ADDRESS,
        Role.BUSINESS_REGISTRATION,
        Role.AUTHORIZATION_LETTER,
    ),
}


class Profile(msgspec.Struct, forbid_unknown_fields=True):
    full_name: str
    date_of_birth: str | None = None
    address: str | None = None
    country: str | None = None
    company_name: str | None = None
    registration_number: str | None = None


class Declared(msgspec.Struct, forbid_unknown_fields=True):
    document_number: str | None = None
    expiry_date: str | None = None
    issue_date: str | None = None
    statement_date: str | None = None
    date_of_birth: str | None = None
    full_name: str | None = None


class DocumentSpec(msgspec.Struct, forbid_unknown_fields=True):
    role: Role
    file: str
    type: str | None = None
    issuing_country: str | None = None
    side: Side | None = None
    declared: Declared = msgspec.field(default_factory=Declared)


class BundleSpec(msgspec.Struct, forbid_unknown_fields=True):
    reference: str
    profile: Profile
    documents: list[DocumentSpec]
    account_type: AccountType = AccountType.INDIVIDUAL
    # The applicant's language: the verdict's fixes are given in it unless the reader asks for another.
    language: str | None = None


class Manifest(msgspec.Struct, forbid_unknown_fields=True):
    bundles: list[BundleSpec]
    submit_on: str | None = None
    policy: str = "default"
    # Where this batch's webhook events go, besides the tenant's endpoints (docs/contract.md, "Webhooks").
    callback_url: str | None = None
    # Keep an annotated preview of each document with a fail or review finding (docs/contract.md, "Previews").
    previews: bool = False


class ManifestError(ValueError):
    """A manifest that cannot be accepted; `field` is a JSON path such as `$.bundles[2].documents[0].role`."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


_MAX_REFERENCE = 128
# Longer URLs are refused by common servers and proxies (RFC 9110 section 4.1 recommends senders support 8000;
# browsers and CDNs cut at 2048): a callback longer than that is a mistake.
_MAX_URL = 2048


def parse_manifest(raw: bytes) -> Manifest:
    """Decode and validate a manifest, raising ManifestError naming the offending field."""
    try:
        manifest = msgspec.json.decode(raw, type=Manifest)
    except msgspec.ValidationError as exc:
        text = str(exc)
        field = text.rsplit(" - at `", 1)[1].rstrip("`") if " - at `" in text else "$"
        raise ManifestError(field, text.split(" - at `")[0]) from None
    except msgspec.DecodeError as exc:
        raise ManifestError("$", f"not valid JSON: {exc}") from None
    validate_manifest(manifest)
    return manifest


def validate_manifest(manifest: Manifest) -> None:
    if not manifest.bundles:
        raise ManifestError("$.bundles", "at least one bundle is required")
    if manifest.submit_on is not None:
        _iso_date(manifest.submit_on, "$.submit_on")
    if manifest.callback_url is not None and (
        len(manifest.callback_url) > _MAX_URL or not manifest.callback_url.startswith(("https://", "http://"))
    ):
        raise ManifestError("$.callback_url", f"must be an absolute https:// URL of at most {_MAX_URL} characters")
    seen_refs: set[str] = set()
    for b, bundle in enumerate(manifest.bundles):
        where = f"$.bundles[{b}]"
        if not bundle.reference or len(bundle.reference) > _MAX_REFERENCE:
            raise ManifestError(f"{where}.reference", f"must be 1 to {_MAX_REFERENCE} characters")
        if bundle.reference in seen_refs:
            raise ManifestError(f"{where}.reference", f"duplicate reference {bundle.reference!r}")
        seen_refs.add(bundle.reference)
        if bundle.language is not None:
            if language_tag(bundle.language) is None:
                raise ManifestError(f"{where}.language", f"must be one of {', '.join(LANGUAGES)}")
            bundle.language = language_tag(bundle.language)
        if not bundle.profile.full_name.strip():
            raise ManifestError(f"{where}.profile.full_name", "must not be empty")
        if bundle.profile.date_of_birth is not None:
            _readable_date(bundle.profile.date_of_birth, f"{where}.profile.date_of_birth")
        files: set[str] = set()
        for d, doc in enumerate(bundle.documents):
            dwhere = f"{where}.documents[{d}]"
            if not doc.file or doc.file.startswith("/") or ".." in doc.file.split("/"):
                raise ManifestError(f"{dwhere}.file", "must be a relative file name")
            if doc.file in files:
                raise ManifestError(f"{dwhere}.file", f"file {doc.file!r} is named twice in this bundle")
            files.add(doc.file)
            for name in ("expiry_date", "issue_date", "statement_date", "date_of_birth"):
                value = getattr(doc.declared, name)
                if value is not None:
                    _readable_date(value, f"{dwhere}.declared.{name}")


def _iso_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ManifestError(field, f"expected an ISO date YYYY-MM-DD, got {value!r}") from None


def _readable_date(value: str, field: str) -> DateReading:
    reading = read_date(value)
    if reading is None:
        raise ManifestError(field, f"not a date: {value!r} (use ISO YYYY-MM-DD)")
    return reading


def submit_day(manifest: Manifest, today: date) -> date:
    return date.fromisoformat(manifest.submit_on) if manifest.submit_on else today
