"""How a check is declared: a stable code, a one-line summary, a fix hint, where its threshold comes from.

Like a linter rule: the registry is an explicit list of these, and one contract test walks all of it. One
declaration form: every check is a module constant named by its code, its fields given by keyword
(`CODE = DocumentCheck(code="CODE", summary=..., ...)`), and each domain lists its constants in CHECKS (the
capture-quality checks are built from their Rule table, workers/checks/quality/checks.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from workers.checks.context import BundleContext, DocumentContext, FieldValue
from workers.checks.manifest import Role
from workers.checks.model import Outcome

ALL_ROLES = frozenset(Role)
DOCUMENT_ROLES = frozenset(
    {Role.ID_DOCUMENT, Role.PROOF_OF_ADDRESS, Role.BUSINESS_REGISTRATION, Role.AUTHORIZATION_LETTER}
)

Result = Outcome | Iterable[Outcome] | None


@dataclass(frozen=True, kw_only=True)
class DocumentCheck:
    """Runs once per document whose role is in `roles`. `evaluate` returns None when it does not apply."""

    code: str
    summary: str
    remediation: str
    threshold_source: str
    roles: frozenset[Role]
    evaluate: Callable[[DocumentContext], Result]
    # False for checks that look only at bytes, headers or declared values, not at decoded pixels.
    needs_pixels: bool = True
    # The policy settings this check judges by (policy.policy_settings names: "rules.expiry_margin_days"): a
    # tenant's policy that changes one changes this check's limit, and its message names the limit it used.
    policy_keys: tuple[str, ...] = ()
    # The codes whose failure on the same document makes this check moot (workers/checks/moot.py names the
    # groups): it then comes back as "not judged because of" the first of them that failed.
    moot_when: tuple[str, ...] = ()
    # The codes whose failure makes this check moot only when its own finding is a review (the check was not
    # sure); a fail it is sure of stands beside them (an MRZ read twice alike whose digits fail, on a small photo).
    moot_when_unsure: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class BundleCheck:
    """Runs once per bundle, after every document check (cross-document and profile rules)."""

    code: str
    summary: str
    remediation: str
    threshold_source: str
    evaluate: Callable[[BundleContext], Result]
    policy_keys: tuple[str, ...] = ()  # as DocumentCheck.policy_keys
    moot_when: tuple[str, ...] = ()  # as DocumentCheck.moot_when, for findings that name a document
    moot_when_unsure: tuple[str, ...] = ()  # as DocumentCheck.moot_when_unsure


@dataclass(frozen=True)
class Reader:
    """Reads values off a document (MRZ, printed fields, bill date...) before the checks run.

    Declared values win over read ones in `DocumentContext.field`; checks that compare the two see both.
    """

    name: str
    roles: frozenset[Role]
    read: Callable[[DocumentContext], dict[str, FieldValue]]


Check = DocumentCheck | BundleCheck
