"""`preflight check DIR`: the engine in this process, no server. DIR holds manifest.json and the files."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from rich.console import Console
from rich.progress import Progress

from service.cli.folder import read_manifest
from service.cli.render import print_table
from workers.checks.engine import check_bundle
from workers.checks.manifest import BundleSpec, submit_day
from workers.checks.model import BundleVerdict, Verdict
from workers.checks.policy import UnknownPolicyError, load_policy


def _files(folder: Path, bundle: BundleSpec) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for doc in bundle.documents:
        path = folder / doc.file
        if path.is_file():
            found[doc.file] = path.read_bytes()
    return found


def check_folder(folder: Path, *, as_json: bool) -> int:
    """Exit codes: 0 every bundle ready, 3 some bundle needs fixing or review, 2 the input is unusable."""
    err = Console(stderr=True)
    read = read_manifest(folder, err)
    if read is None:
        return 2
    _, manifest = read
    try:
        policy = load_policy(manifest.policy)
    except UnknownPolicyError as exc:
        err.print(f"[red]manifest.json: $.policy: {exc}[/]")
        return 2
    submit_on = submit_day(manifest, datetime.now(UTC).date())
    verdicts: list[BundleVerdict] = []
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("checking bundles", total=len(manifest.bundles))
        for bundle in manifest.bundles:
            verdict = check_bundle(bundle, _files(folder, bundle), submit_on=submit_on, policy=policy)
            if as_json:
                sys.stdout.buffer.write(msgspec.json.encode(verdict) + b"\n")
                sys.stdout.flush()
            verdicts.append(verdict)
            progress.advance(task)
    if not as_json:
        print_table(verdicts)
    return 0 if all(v.verdict is Verdict.READY for v in verdicts) else 3
