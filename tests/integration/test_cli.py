"""The `preflight` command as a user runs it: check a folder without a server; serve and stop cleanly."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from service.cli import serve as serve_module
from service.cli.processes import free_port
from tests.integration.payload import good_bundle, good_files, manifest
from tests.integration.stack import ROOT, TENANT_KEYS, Stack, descendants, wait_until

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


def _codes(done: subprocess.CompletedProcess[bytes]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(reference, verdict, sorted (code, status)) per NDJSON line, in the printed order."""
    out = []
    for line in done.stdout.decode().splitlines():
        verdict = json.loads(line)
        findings = sorted((f["code"], f["status"]) for f in verdict["findings"])
        out.append((verdict["reference"], verdict["verdict"], findings))
    return out


def test_check_with_two_jobs_gives_the_same_verdicts_in_the_manifest_order(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["J-1", "J-2", "J-3"])
    (folder / "f1" / "selfie.jpg").unlink()  # J-2 differs from the others: its verdict must stay second
    one = _preflight("check", str(folder), "--json", "--jobs", "1")
    two = _preflight("check", str(folder), "--json", "--jobs", "2")
    assert one.returncode == two.returncode == 3, two.stderr.decode()[-2000:]
    in_order = _codes(one)
    assert [reference for reference, _, _ in in_order] == ["J-1", "J-2", "J-3"]
    assert ("FILE_MISSING", "fail") in in_order[1][2]
    assert _codes(two) == in_order


def _pool_workers(pid: int) -> list[int]:
    """The spawned pool processes under `pid` (not multiprocessing's resource tracker)."""
    found = []
    for child in descendants(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:
            found.append(child)
    return found


def test_check_reruns_the_bundles_of_a_killed_pool_process_and_drops_none(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["K-1", "K-2", "K-3", "K-4"])
    command = [sys.executable, "-m", "service.cli.main", "check", str(folder), "--json", "--jobs", "2"]
    # Unbuffered pipes: readline() then takes the first line byte by byte, and communicate(), which reads the
    # pipe itself, gets all that follows (a buffered reader's read-ahead of the next verdict would be lost).
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0) as run:
        assert run.stdout is not None and run.stderr is not None
        first = run.stdout.readline()  # one bundle checked: the pool is at work
        workers = _pool_workers(run.pid)
        assert workers, "no pool process found"
        os.kill(workers[0], signal.SIGKILL)
        rest, errors = run.communicate(timeout=300)
    verdicts = [json.loads(line) for line in (first + rest).decode().splitlines()]
    assert [v["reference"] for v in verdicts] == ["K-1", "K-2", "K-3", "K-4"], errors.decode()[-2000:]
    assert all(v["findings"] for v in verdicts)
    assert "a checking process stopped" in errors.decode()
    assert run.returncode in (0, 3)


def test_check_refuses_a_job_count_under_one(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["J-1"])
    done = _preflight("check", str(folder), "--jobs", "0")
    assert done.returncode == 2
    assert "--jobs: 0 is less than 1" in done.stderr.decode()


def test_check_reports_a_broken_manifest_by_field(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"bundles": [{"reference": 7}]}')
    done = _preflight("check", str(tmp_path))
    assert done.returncode == 2
    assert "$.bundles[0].reference" in done.stderr.decode()


def test_serve_dev_keys_start_with_pfk_even_when_the_random_part_starts_with_a_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: "-" + "x" * (n - 1))
    key = serve_module._dev_api_key(tmp_path)
    assert key == "pfk_-" + "x" * 23
    assert (tmp_path / "dev-api-key").stat().st_mode & 0o777 == 0o600
    monkeypatch.undo()
    assert serve_module._dev_api_key(tmp_path) == key  # kept: the same key after a restart
    fresh = {serve_module.new_api_key() for _ in range(200)}
    assert len(fresh) == 200 and all(k.startswith("pfk_") for k in fresh)


def test_submit_takes_an_api_key_starting_with_a_dash(stack: Stack, tmp_path: Path) -> None:
    key = TENANT_KEYS["initech"]
    assert key.startswith("-")
    folder = _folder(tmp_path, ["DASH-1"])
    url = ["--url", stack.api_url]
    for key_args in (["--api-key", key], [f"--api-key={key}"]):
        done = _preflight("submit", str(folder), *url, *key_args, "--json")
        printed = done.stdout.decode().splitlines()
        assert printed, f"{key_args[0]}: no verdict (exit {done.returncode}): {done.stderr.decode()[-2000:]}"
        assert [json.loads(line)["reference"] for line in printed] == ["DASH-1"]
        assert done.returncode in (0, 3)
    # The key is sent, not swallowed: an unknown key that starts with '-' reaches the server and gets its 401.
    wrong = _preflight("submit", str(folder), *url, "--api-key", "-not-a-known-key", "--json")
    assert wrong.returncode == 2 and b"401" in wrong.stderr and wrong.stdout == b""
    # A forgotten value is still an argparse error, not the key "--json".
    forgotten = _preflight("submit", str(folder), *url, "--api-key", "--json")
    assert forgotten.returncode == 2 and b"argument --api-key: expected one argument" in forgotten.stderr


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
        children = descendants(serve.pid)
        assert len(children) >= 3  # redis-server, the Celery worker (and its pool), the API
        key = (tmp_path / "dev-api-key").read_text().strip()
        assert key.startswith("pfk_")
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


def test_check_writes_annotated_previews_and_a_self_contained_report(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    folder = _folder(tmp_path / "in", ["A-1"])
    doc = json.loads((folder / "manifest.json").read_text())
    doc["bundles"][0]["documents"][0]["declared"]["expiry_date"] = "2020-01-01"  # DOCUMENT_EXPIRED on the ID
    (folder / "manifest.json").write_text(json.dumps(doc))
    out, report = tmp_path / "previews", tmp_path / "report.html"
    done = _preflight("check", str(folder), "--annotate", str(out), "--html", str(report), "--lang", "fr")
    assert done.returncode == 3, done.stderr.decode()[-2000:]
    preview = out / "A-1" / "id_document.jpg"
    assert preview.read_bytes()[:2] == b"\xff\xd8"
    page = report.read_text(encoding="utf-8")
    assert "DOCUMENT_EXPIRED" in page and "data:image/jpeg;base64," in page
    assert "identité" in page  # the fixes in French; the messages stay English
    assert "http://" not in page and "https://" not in page  # nothing fetched: it works offline
