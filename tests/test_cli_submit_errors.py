"""`preflight submit` refuses a folder it cannot send with one clear line and exit code 2, before any upload."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

_PROFILE = {"full_name": "Ana Example", "date_of_birth": "1990-01-01", "country": "DE"}


def _submit(folder: Path, url: str = "http://127.0.0.1:9") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "service.cli.main", "submit", str(folder), "--url", url, "--api-key", "pfk_x"]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _manifest(folder: Path, bundles: list[dict[str, object]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps({"bundles": bundles}))


_ONE = [{"reference": "a", "profile": _PROFILE, "documents": [{"file": "id.jpg", "role": "id_document"}]}]


@pytest.mark.parametrize(
    ("bundles", "with_file", "said"),
    [
        (None, False, "no manifest.json in"),
        ([], False, "manifest.json: $.bundles: at least one bundle is required"),
        ([{"reference": "a", "documents": []}], False, "manifest.json: $.bundles[0]"),
        (_ONE, False, "files named in manifest.json but not in"),
        (_ONE, True, "could not reach http://127.0.0.1:9"),
    ],
)
def test_submit_names_the_problem_without_a_traceback(
    tmp_path: Path, bundles: list[dict[str, object]] | None, with_file: bool, said: str
) -> None:
    folder = tmp_path / "batch"
    if bundles is not None:
        _manifest(folder, bundles)
    if with_file:
        (folder / "id.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    run = _submit(folder)
    assert run.returncode == 2, run.stderr
    assert said in run.stderr, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
