"""`preflight check DIR`: the engine on this machine, no server. DIR holds manifest.json and the files.

With `--jobs N` (default: the CPUs this process may use) the bundles are checked by N processes, one compute
thread each (workers.checks.threads); verdicts are printed in the manifest's order whatever order they finish in.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, date, datetime
from pathlib import Path

import msgspec
from rich.console import Console
from rich.progress import Progress

from service.cli.folder import read_manifest
from service.cli.render import print_table
from service.cli.report import Checked, html_report, write_previews
from workers.checks.engine import check_bundle
from workers.checks.i18n.translate import in_language
from workers.checks.manifest import BundleSpec, submit_day
from workers.checks.model import Verdict
from workers.checks.policy import Policy, PolicyFileError, UnknownPolicyError, load_policy
from workers.checks.policy.tenant import load_policy_file
from workers.checks.threads import one_thread_environment, use_one_thread


def _files(folder: Path, bundle: BundleSpec) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for doc in bundle.documents:
        path = folder / doc.file
        if path.is_file():
            found[doc.file] = path.read_bytes()
    return found


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the system has one), at least 1."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _check_one(folder: Path, bundle: BundleSpec, submit_on: date, policy: Policy, annotate: bool) -> Checked:
    """One bundle, its files read here (in the pool's process: the folder, the spec and the policy travel), and
    its annotated previews when asked."""
    previews: dict[str, bytes] = {}
    verdict = check_bundle(
        bundle, _files(folder, bundle), submit_on=submit_on, policy=policy, previews=previews if annotate else None
    )
    return verdict, previews


def _verdicts(
    folder: Path, bundles: list[BundleSpec], submit_on: date, policy: Policy, jobs: int, err: Console, annotate: bool
) -> Iterator[Checked]:
    """The bundles' verdicts in the manifest's order, checked by `jobs` processes (in this one when 1). When a
    pool process dies (killed, out of memory), the bundles not yet reported are checked here: none is dropped."""
    reported = 0
    if jobs > 1 and len(bundles) > 1:
        # Spawned, not forked: a fork would copy this process's OpenCV and ONNX thread pools in whatever state
        # they are; the children inherit the one-thread BLAS environment before they import numpy.
        os.environ.update(one_thread_environment())
        context = multiprocessing.get_context("spawn")
        count = len(bundles)
        try:
            with ProcessPoolExecutor(
                max_workers=min(jobs, count), mp_context=context, initializer=use_one_thread
            ) as pool:
                same = [folder] * count, bundles, [submit_on] * count, [policy] * count, [annotate] * count
                for checked in pool.map(_check_one, *same):
                    reported += 1
                    yield checked
        except BrokenProcessPool:
            left = count - reported
            err.print(f"[yellow]a checking process stopped; the {left} bundle(s) left are checked in this one[/]")
    for bundle in bundles[reported:]:
        yield _check_one(folder, bundle, submit_on, policy, annotate)


def check_folder(
    folder: Path,
    *,
    as_json: bool,
    jobs: int | None = None,
    policy_file: Path | None = None,
    lang: str | None = None,
    annotate: Path | None = None,
    html: Path | None = None,
) -> int:
    """Exit codes: 0 every bundle ready, 3 some bundle needs fixing or review, 2 the input is unusable.
    `policy_file`: a local policy file (README "Tenant policies") judging the bundles instead of the manifest's.
    `lang`: the language of the fixes (default: each bundle's own `language`, else English). `annotate`: a folder
    for the annotated previews of documents with a fail or review; `html`: a self-contained report file."""
    err = Console(stderr=True)
    read = read_manifest(folder, err)
    if read is None:
        return 2
    _, manifest = read
    if policy_file is not None:
        try:
            policy = load_policy_file(policy_file)
        except (OSError, PolicyFileError, UnknownPolicyError) as exc:
            err.print(f"[red]--policy-file {policy_file}: {exc}[/]")
            return 2
    else:
        try:
            policy = load_policy(manifest.policy)  # named before anything is checked
        except UnknownPolicyError as exc:
            err.print(f"[red]manifest.json: $.policy: {exc}[/]")
            return 2
    submit_on = submit_day(manifest, datetime.now(UTC).date())
    checked: list[Checked] = []
    workers = available_cpus() if jobs is None else jobs
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("checking bundles", total=len(manifest.bundles))
        wanted = annotate is not None or html is not None
        for raw, previews in _verdicts(folder, list(manifest.bundles), submit_on, policy, workers, err, wanted):
            verdict = in_language(raw, lang)
            if as_json:
                sys.stdout.buffer.write(msgspec.json.encode(verdict) + b"\n")
                sys.stdout.flush()
            checked.append((verdict, previews))
            progress.advance(task)
    verdicts = [verdict for verdict, _ in checked]
    if not as_json:
        print_table(verdicts)
    if annotate is not None:
        written = write_previews(annotate, checked)
        err.print(f"{written} annotated preview(s) written to {annotate}")
    if html is not None:
        html.write_text(html_report(checked), encoding="utf-8")
        err.print(f"report written to {html}")
    return 0 if all(v.verdict is Verdict.READY for v in verdicts) else 3
