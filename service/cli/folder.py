"""The folder both `preflight check DIR` and `preflight submit DIR` read: DIR/manifest.json and the files."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from workers.checks.manifest import Manifest, ManifestError, parse_manifest


def read_manifest(folder: Path, err: Console) -> tuple[bytes, Manifest] | None:
    """The folder's manifest, raw and parsed with the service's own parser; None (the reason printed) when it is
    missing or invalid, so that a bad manifest is named before anything is checked or uploaded."""
    try:
        raw = (folder / "manifest.json").read_bytes()
        return raw, parse_manifest(raw)
    except FileNotFoundError:
        err.print(f"[red]no manifest.json in {folder}[/]")
    except ManifestError as exc:
        err.print(f"[red]manifest.json: {exc.field}: {exc.detail}[/]")
    return None
