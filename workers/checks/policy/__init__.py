"""Versioned policy files: the rules a verdict is judged by. A verdict names the policy and its SHA-256."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from workers.checks.policy.severity import SeverityError, validated_severity


class UnknownPolicyError(LookupError):
    pass


@dataclass(frozen=True)
class Policy:
    name: str
    sha256: str
    version: str
    expiry_margin_days: int
    bill_max_age_days: int
    registration_max_age_months: int
    # issuing country (ISO 3166 alpha-2) -> accepted id_document types; "*" applies to every country.
    accepted_document_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # check code -> "fail" | "review" | "off": the [severity] table, applied to findings after checks run
    # (workers/checks/policy/severity.py, which also refuses any override of a FILE_* safety finding).
    severity: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


# The tables of a policy file whose entries are settings checks judge by, each named "table.key". The
# [accepted_document_types] table is one setting as a whole (its keys are countries); `version`, `extends` and
# the [severity] table are not settings of a check (severity applies to every code, after the checks).
SETTING_TABLES = ("rules", "identity")
WHOLE_TABLE_SETTINGS = ("accepted_document_types",)


def policy_settings(policy: Policy) -> dict[str, Any]:
    """Every setting of `policy` by name ("rules.expiry_margin_days" -> 30): what a check's `policy_keys`
    name, so the registry, the catalogue and the policy files cannot drift apart (tests/test_policy_keys.py)."""
    raw = policy.raw
    named = {f"{table}.{key}": value for table in SETTING_TABLES for key, value in raw.get(table, {}).items()}
    return named | {table: raw[table] for table in WHOLE_TABLE_SETTINGS if table in raw}


def available() -> list[str]:
    return sorted(
        p.name.removesuffix(".toml") for p in resources.files(__package__).iterdir() if p.name.endswith(".toml")
    )


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        both_tables = isinstance(value, dict) and isinstance(base.get(key), dict)
        merged[key] = _merged(base[key], value) if both_tables else value
    return merged


@cache
def load_policy(name: str) -> Policy:
    """A shipped policy (workers/checks/policy/<name>.toml)."""
    if name not in available():
        raise UnknownPolicyError(f"unknown policy {name!r}; available: {', '.join(available())}")
    raw_bytes = resources.files(__package__).joinpath(f"{name}.toml").read_bytes()
    return build_policy(name, raw_bytes, load_policy)


class PolicyFileError(ValueError):
    """A policy file that cannot be used (bad TOML, an unknown code, a FILE_* override...): refused at load."""


def build_policy(name: str, raw_bytes: bytes, load_base: Callable[[str], Policy]) -> Policy:
    """The policy a file's bytes describe; `load_base` resolves its `extends` (shipped or the tenant's own)."""
    try:
        raw = tomllib.loads(raw_bytes.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyFileError(f"policy {name!r} is not valid TOML: {exc}") from None
    if "extends" in raw:
        # A policy that changes a few values of another: its tables are merged over the base's, and its hash
        # covers both files (a change to the base changes every policy built on it).
        base = load_base(str(raw.pop("extends")))
        raw = _merged(base.raw, raw)
        raw_bytes = base.sha256.encode() + raw_bytes
    return policy_from_raw(name, hashlib.sha256(raw_bytes).hexdigest(), raw)


def policy_from_raw(name: str, sha256: str, raw: dict[str, Any]) -> Policy:
    """A policy from its merged tables and hash: how a worker rebuilds the policy the API resolved."""
    try:
        rules = raw["rules"]
        accepted = {k.upper(): tuple(v) for k, v in raw.get("accepted_document_types", {}).items()}
        return Policy(
            name=name,
            sha256=sha256,
            version=str(raw["version"]),
            expiry_margin_days=int(rules["expiry_margin_days"]),
            bill_max_age_days=int(rules["bill_max_age_days"]),
            registration_max_age_months=int(rules["registration_max_age_months"]),
            accepted_document_types=accepted,
            severity=validated_severity(name, raw.get("severity", {})),
            raw=raw,
        )
    except SeverityError as exc:
        raise PolicyFileError(str(exc)) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise PolicyFileError(f"policy {name!r} is missing or has a bad value: {exc}") from None
