"""The `preflight` command as a user runs it: check a folder without a server; serve and stop cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from service.cli.processes import free_port
from tests.integration.payload import good_bundle, good_files, manifest
from tests.integration.stack import ROOT, wait_until

pytestmark = pytest.mark.integration


def _folder(tmp: Path, references: list[str]) -> Path:
    doc = manifest(*(good_bundle(ref, f"f{i}") for i, ref in enumerate(references)))
    (tmp / "manifest.json").write_text(json.dumps(doc))
    for i in range(len(references)):
        for name, data in good_files(f"f{i}", seed=i).items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_bytes(data)
    return tmp


def _preflight(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli.main", *args],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )


def test_check_json_prints_one_verdict_per_line_and_nothing_else(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["L-1", "L-2"])
    (folder / "f1" / "selfie.jpg").unlink()  # a missing file is a finding, not a crash
    done = _preflight("check", str(folder), "--json")
    lines = done.stdout.decode().splitlines()
    verdicts = [json.loads(line) for line in lines]
    assert [v["reference"] for v in verdicts] == ["L-1", "L-2"]
    assert "FILE_MISSING" in {f["code"] for f in verdicts[1]["findings"] if f["status"] == "fail"}
    assert done.returncode == 3  # not every bundle is ready


def test_check_reports_a_broken_manifest_by_field(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"bundles": [{"reference": 7}]}')
    done = _preflight("check", str(tmp_path))
    assert done.returncode == 2
    assert "$.bundles[0].reference" in done.stderr.decode()


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # ppid
            child = int(status.parent.name)
            found |= {child} | _descendants(child)
    return found


def test_serve_runs_redis_worker_and_api_then_sigterm_leaves_nothing(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PREFLIGHT_API_KEYS")}
    env["PYTHONPATH"] = str(ROOT)
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli.main",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path),
            "--concurrency",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: _ready(port), timeout_s=90, what="serve to become ready")
        children = _descendants(serve.pid)
        assert len(children) >= 3  # redis-server, the Celery worker (and its pool), the API
        key = (tmp_path / "dev-api-key").read_text().strip()
        (tmp_path / "batch").mkdir()
        folder = _folder(tmp_path / "batch", ["S-1"])
        submitted = _preflight("submit", str(folder), "--url", f"http://127.0.0.1:{port}", "--api-key", key, "--json")
        printed = submitted.stdout.decode().splitlines()
        assert printed, f"submit printed no verdict (exit {submitted.returncode}): {submitted.stderr.decode()[-2000:]}"
        assert json.loads(printed[0])["reference"] == "S-1"
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(60) == 0
        time.sleep(0.5)
        assert [pid for pid in children if Path(f"/proc/{pid}").exists() and not _zombie(pid)] == []
    finally:
        if serve.poll() is None:
            serve.kill()
    output = serve.stdout.read().decode() if serve.stdout else ""
    assert "embedded redis-server" in output and "stopped redis" in output


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
