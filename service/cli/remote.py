"""`preflight submit DIR --url URL`: send a folder as one batch, follow its progress, print the verdicts."""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import msgspec
from rich.console import Console
from rich.progress import Progress

from service.cli.folder import read_manifest
from service.cli.render import print_table
from workers.checks.model import BundleVerdict, Verdict


def submit_folder(folder: Path, url: str, api_key: str, *, as_json: bool, poll_s: float = 0.5) -> int:
    err = Console(stderr=True)
    read = read_manifest(folder, err)
    if read is None:
        return 2
    manifest_bytes, manifest = read
    names = sorted({d.file for b in manifest.bundles for d in b.documents})
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        err.print(f"[red]files named in manifest.json but not in {folder}: {', '.join(missing)}[/]")
        return 2
    try:
        return _submit(folder, manifest_bytes, names, url, api_key, as_json=as_json, poll_s=poll_s, err=err)
    except httpx.HTTPError as exc:
        err.print(f"[red]could not reach {url}: {type(exc).__name__}: {exc}[/]")
        return 2


def _submit(
    folder: Path,
    manifest_bytes: bytes,
    names: list[str],
    url: str,
    api_key: str,
    *,
    as_json: bool,
    poll_s: float,
    err: Console,
) -> int:
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=120) as client, ExitStack() as files:
        parts: list[tuple[str, tuple[str, object, str]]] = [
            ("manifest", ("manifest.json", manifest_bytes, "application/json"))
        ]
        for name in names:  # file objects: httpx streams them from disk
            parts.append(("file", (name, files.enter_context((folder / name).open("rb")), "application/octet-stream")))
        answer = client.post("/v1/batches", files=parts)  # type: ignore[arg-type]
        if answer.status_code != 202:
            err.print(f"[red]{answer.status_code}: {answer.text}[/]")
            return 2
        batch = answer.json()
        err.print(f"batch {batch['batch_id']} accepted")
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("checking", total=batch["bundles"])
            while True:
                status = client.get(batch["links"]["status"]).json()
                progress.update(task, completed=status["counts"]["done"])
                if status["state"] == "done":
                    break
                time.sleep(poll_s)
        lines = client.get(batch["links"]["verdicts"], params={"format": "ndjson"}).content.splitlines()
    verdicts = [msgspec.json.decode(line, type=BundleVerdict) for line in lines if line]
    if as_json:
        for line in lines:
            sys.stdout.buffer.write(line + b"\n")
    else:
        print_table(verdicts)
    return 0 if all(v.verdict is Verdict.READY for v in verdicts) else 3
