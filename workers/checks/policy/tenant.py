"""Tenant policies: an operator installs `<dir>/<tenant>/<name>.toml`; a batch's manifest `policy` is looked up
among its tenant's own policies first, then the shipped ones. Another tenant's policies are simply unknown.

A tenant policy is built like a shipped one (workers/checks/policy.build_policy): it may `extends` one of its
tenant's own policies or a shipped one, and its SHA-256 covers its bytes and its base's hash.
"""

from __future__ import annotations

import re
from pathlib import Path

from workers.checks.policy import Policy, PolicyFileError, UnknownPolicyError, available, build_policy, load_policy

# Policy and tenant names become file names: letters, digits, '_' and '-' only, so no name can reach outside
# the operator's directory ('..', '/').
_SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
# A policy extending a policy extending ... : a loop in the files would never end.
_MAX_EXTENDS_DEPTH = 8


def tenant_policy_names(policy_dir: Path | None, tenant: str) -> list[str]:
    folder = _tenant_folder(policy_dir, tenant)
    if folder is None or not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml") if _SAFE_NAME.fullmatch(p.stem))


def resolve_policy(name: str, tenant: str | None, policy_dir: Path | None) -> Policy:
    """The policy `name` as `tenant` sees it: its own file first, then a shipped policy; UnknownPolicyError if
    neither; PolicyFileError if its own file is broken (the operator's mistake, not the client's)."""
    return _resolve(name, tenant, policy_dir, depth=0)


def _resolve(name: str, tenant: str | None, policy_dir: Path | None, depth: int) -> Policy:
    if depth > _MAX_EXTENDS_DEPTH:
        raise PolicyFileError(f"policy {name!r}: more than {_MAX_EXTENDS_DEPTH} levels of 'extends' (a loop?)")
    folder = _tenant_folder(policy_dir, tenant)
    own = folder / f"{name}.toml" if folder is not None and _SAFE_NAME.fullmatch(name) else None
    if own is not None and own.is_file():
        # A tenant's `default.toml` extending "default" means the shipped one, not itself.
        def load_base(base: str) -> Policy:
            return load_policy(base) if base == name else _resolve(base, tenant, policy_dir, depth + 1)

        return build_policy(name, own.read_bytes(), load_base)
    if name in available():
        return load_policy(name)
    names = sorted({*available(), *tenant_policy_names(policy_dir, tenant or "")})
    raise UnknownPolicyError(f"unknown policy {name!r}; available: {', '.join(names)}")


def load_policy_file(path: Path) -> Policy:
    """A local policy file (`preflight check --policy-file`): named after the file; `extends` a shipped one."""
    return build_policy(path.stem, path.read_bytes(), load_policy)


def _tenant_folder(policy_dir: Path | None, tenant: str | None) -> Path | None:
    if policy_dir is None or not tenant or not _SAFE_NAME.fullmatch(tenant):
        return None
    return policy_dir / tenant
