"""What checks see: one document (its spec, its Capture, the fields known about it) and the whole bundle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from workers.checks.capture import Capture, Fact, computed_once
from workers.checks.manifest import BundleSpec, DocumentSpec, Role
from workers.checks.policy import Policy

T = TypeVar("T")


@dataclass(frozen=True)
class FieldValue:
    """A value known about a document and where it came from (`declared`, `mrz`, `ocr`...)."""

    value: str
    source: str


@dataclass
class DocumentContext:
    spec: DocumentSpec
    capture: Capture
    bundle: BundleContext
    # Values read from the document by readers (MRZ, OCR...); declared values stay in spec.declared.
    read_fields: dict[str, FieldValue] = field(default_factory=dict)

    @property
    def role(self) -> Role:
        return self.spec.role

    def field(self, name: str) -> FieldValue | None:
        """The declared value of `name` if there is one, else the value read from the document."""
        declared = getattr(self.spec.declared, name, None)
        if declared:
            return FieldValue(str(declared), "declared")
        return self.read_fields.get(name)

    def cached(self, fact: Fact[T], build: Callable[[], T]) -> T:
        return self.capture.cached(fact, build)


@dataclass
class BundleContext:
    spec: BundleSpec
    submit_on: date
    policy: Policy
    documents: list[DocumentContext] = field(default_factory=list)
    _views: dict[Fact[Any], Any] = field(default_factory=dict, repr=False)

    def by_role(self, role: Role) -> list[DocumentContext]:
        return [d for d in self.documents if d.role is role]

    def first(self, role: Role) -> DocumentContext | None:
        found = self.by_role(role)
        return found[0] if found else None

    def cached(self, fact: Fact[T], build: Callable[[], T]) -> T:
        """A bundle-wide fact (e.g. the selfie-to-ID match), computed once."""
        return computed_once(self._views, fact, build)

    def release(self) -> None:
        """Free every document's pixels and views once the bundle's checks are done (Capture.release says why)."""
        for doc in self.documents:
            doc.capture.release()
        self._views.clear()
