"""A readable table of verdicts for people at a terminal (the JSON form is the contract)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.table import Table

from workers.checks.model import BundleVerdict, Status

_STYLE = {"ready": "green", "fix_required": "red", "review": "yellow"}


def verdict_table(verdicts: Iterable[BundleVerdict]) -> Table:
    table = Table(title="KYC preflight verdicts", show_lines=True)
    table.add_column("reference")
    table.add_column("verdict")
    table.add_column("what to fix / review")
    for v in verdicts:
        problems = [f for f in v.findings if f.status is not Status.PASS]
        lines = [
            f"[{'red' if f.status is Status.FAIL else 'yellow'}]{f.code}[/] "
            f"({f.document or 'bundle'}): {f.message}" + (f"\n  -> {f.remediation}" if f.remediation else "")
            for f in problems
        ]
        style = _STYLE[v.verdict.value]
        table.add_row(v.reference, f"[{style}]{v.verdict.value}[/]", "\n".join(lines) or "-")
    return table


def print_table(verdicts: Iterable[BundleVerdict]) -> None:
    Console().print(verdict_table(verdicts))
