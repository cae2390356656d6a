"""What the service costs on top of the engine, and what ingest costs in memory.

(a) the engine in-process (a pool of N processes, each set up like a worker process) on a generated batch;
(b) the same batch through the API, Redis and N Celery worker processes on this machine, timed from the first
    byte sent to the batch being done. Prints bundles/s for both, standard bundles (ID photo 3000 px wide, selfie,
    bill) per hour per core (bundles/s x 3600 / N) and (b)/(a) (target >= 0.9).
Also the API process's peak RSS (VmHWM) while it ingests the batch, against its idle RSS (target: +100 MB).

    python bench/service_overhead.py [--bundles 100] [--concurrency 2] [--mb-per-bundle 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import numpy as np  # noqa: E402

from service.cli.local import _files  # noqa: E402
from tests.fixtures.documents import astronaut_portrait, encode_jpeg, render_bill, render_id_card  # noqa: E402
from tests.integration.payload import good_bundle, manifest  # noqa: E402
from tests.integration.stack import TENANT_KEYS, running_stack  # noqa: E402
from workers.allocator import keep_freed_memory  # noqa: E402
from workers.checks.engine import check_bundle  # noqa: E402
from workers.checks.manifest import parse_manifest  # noqa: E402
from workers.checks.policy import load_policy  # noqa: E402
from workers.checks.threads import use_one_thread  # noqa: E402


def _photo_like(rgb: np.ndarray, seed: int, target_bytes: int) -> bytes:
    """Sensor-like noise makes a render compress like a phone photo; raise quality until it is big enough."""
    rng = np.random.default_rng(seed)
    noisy = np.clip(rgb.astype(np.int16) + rng.normal(0, 5, rgb.shape), 0, 255).astype(np.uint8)
    for quality in (85, 90, 94, 97):
        data = encode_jpeg(noisy, quality=quality)
        if len(data) >= target_bytes:
            break
    return data


def build_folder(folder: Path, bundles: int, mb_per_bundle: float) -> int:
    id_bytes = _photo_like(render_id_card(width=3000), 1, int(mb_per_bundle * 0.6 * 2**20))
    selfie = _photo_like(
        np.kron(astronaut_portrait(), np.ones((6, 6, 1), np.uint8)), 2, int(mb_per_bundle * 0.2 * 2**20)
    )
    bill = _photo_like(render_bill(width=2480), 3, int(mb_per_bundle * 0.2 * 2**20))
    total = 0
    for i in range(bundles):
        (folder / f"b{i}").mkdir()
        for name, data in (("id.jpg", id_bytes), ("selfie.jpg", selfie), ("bill.jpg", bill)):
            (folder / f"b{i}" / name).write_bytes(data)
            total += len(data)
    doc = manifest(*(good_bundle(f"B-{i}", f"b{i}") for i in range(bundles)))
    (folder / "manifest.json").write_text(json.dumps(doc))
    return total


def _one(args: tuple[str, int]) -> str:
    folder, index = Path(args[0]), args[1]
    bundle = parse_manifest((folder / "manifest.json").read_bytes()).bundles[index]
    verdict = check_bundle(bundle, _files(folder, bundle), submit_on=date(2026, 12, 1), policy=load_policy("default"))
    return verdict.verdict.value


def _warm(folder: str) -> None:
    # Set up as a Celery worker process is (workers/celery_app.py). With OpenCV's thread pool in each process, the
    # pool oversubscribed the cores and checked 5% fewer bundles/s (0.667 against 0.700, 100 bundles, 2026-12-04).
    keep_freed_memory()
    use_one_thread()
    _one((folder, 0))  # imports, OCR and face models: as a worker process has them after its first bundle


def in_process(folder: Path, bundles: int, concurrency: int) -> float:
    with ProcessPoolExecutor(concurrency, initializer=_warm, initargs=(str(folder),)) as pool:
        list(pool.map(_one, [(str(folder), 0)] * concurrency))
        start = time.perf_counter()
        list(pool.map(_one, [(str(folder), i) for i in range(bundles)]))
        return bundles / (time.perf_counter() - start)


def _rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def through_service(folder: Path, bundles: int, concurrency: int) -> tuple[float, int, int]:
    env = {"PREFLIGHT_MAX_REQUEST_BYTES": str(4 * 2**30)}
    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), workers=0, extra_env=env) as stack:
        stack.start_worker("w0", concurrency)  # running_stack's own workers get --concurrency 2, whatever N is
        stack.wait_ready()
        api_pid = stack.children[-1].pid
        with stack.client() as client:  # warm up every worker process (models load on first use)
            first = json.loads((folder / "manifest.json").read_text())["bundles"][: concurrency * 2]
            warm = {"bundles": first}
            files = [("manifest", (None, json.dumps(warm).encode(), "application/json"))]
            for bundle in first:
                for d in bundle["documents"]:
                    files.append(("file", (d["file"], (folder / d["file"]).read_bytes(), "image/jpeg")))
            stack.wait_done(client.post("/v1/batches", files=files).json()["batch_id"], timeout_s=600)
        idle_kb = _rss_kb(api_pid, "VmRSS")
        names = [
            d["file"] for b in json.loads((folder / "manifest.json").read_text())["bundles"] for d in b["documents"]
        ]
        headers = {"Authorization": f"Bearer {TENANT_KEYS['acme']}"}
        start = time.perf_counter()
        handles = [(folder / n).open("rb") for n in names]
        try:
            parts = [("manifest", ("manifest.json", (folder / "manifest.json").read_bytes(), "application/json"))]
            parts += [("file", (n, h, "image/jpeg")) for n, h in zip(names, handles, strict=True)]
            answer = httpx.post(stack.api_url + "/v1/batches", files=parts, headers=headers, timeout=600)
        finally:
            for h in handles:
                h.close()
        peak_kb = _rss_kb(api_pid, "VmHWM")
        uploaded = time.perf_counter() - start
        # A client polls about once a second; at 0.1 s the polls themselves took CPU from the two worker processes.
        stack.wait_done(answer.json()["batch_id"], timeout_s=3600, poll_s=1.0)
        elapsed = time.perf_counter() - start
        print(f"    upload took {uploaded / elapsed:.0%} of the service run")
        return bundles / elapsed, idle_kb, peak_kb


def ingest_rss(folder: Path) -> tuple[int, int, float]:
    """Peak RSS of the API while it receives the batch into Redis (no worker: ingest only)."""
    env = {"PREFLIGHT_MAX_REQUEST_BYTES": str(4 * 2**30)}
    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), workers=0, extra_env=env) as stack:
        api_pid = stack.children[-1].pid
        idle_kb = _rss_kb(api_pid, "VmHWM")
        names = [
            d["file"] for b in json.loads((folder / "manifest.json").read_text())["bundles"] for d in b["documents"]
        ]
        headers = {"Authorization": f"Bearer {TENANT_KEYS['acme']}"}
        handles = [(folder / n).open("rb") for n in names]
        start = time.perf_counter()
        try:
            parts = [("manifest", ("manifest.json", (folder / "manifest.json").read_bytes(), "application/json"))]
            parts += [("file", (n, h, "image/jpeg")) for n, h in zip(names, handles, strict=True)]
            answer = httpx.post(stack.api_url + "/v1/batches", files=parts, headers=headers, timeout=600)
        finally:
            for h in handles:
                h.close()
        seconds = time.perf_counter() - start
        assert answer.status_code == 202, answer.text
        return idle_kb, _rss_kb(api_pid, "VmHWM"), seconds


def _per_core_hour(bundles_per_s: float, processes: int) -> str:
    """Standard bundles an hour per checking process (one process per core), as printed."""
    return f"{bundles_per_s * 3600 / processes:,.0f} standard bundles per hour per core"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundles", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--mb-per-bundle", type=float, default=3.0)
    parser.add_argument("--ingest-only", action="store_true", help="only the API's memory while receiving")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        total = build_folder(folder, args.bundles, args.mb_per_bundle)
        print(f"batch: {args.bundles} bundles, {total / 2**20:.0f} MB, {args.concurrency} processes")
        if args.ingest_only:
            idle_kb, peak_kb, seconds = ingest_rss(folder)
            print(
                f"API RSS before {idle_kb / 1024:.0f} MB, peak while ingesting {peak_kb / 1024:.0f} MB: "
                f"+{(peak_kb - idle_kb) / 1024:.0f} MB for {total / 2**20:.0f} MB "
                f"({total / 2**20 / seconds:.0f} MB/s); target <= +100 MB"
            )
            return
        a = in_process(folder, args.bundles, args.concurrency)
        print(f"(a) engine in-process:            {a:7.2f} bundles/s, {_per_core_hour(a, args.concurrency)}")
        b, idle_kb, peak_kb = through_service(folder, args.bundles, args.concurrency)
        print(f"(b) API + Redis + Celery workers: {b:7.2f} bundles/s, {_per_core_hour(b, args.concurrency)}")
        print(f"(b)/(a) = {b / a:.2f}   (target >= 0.9)")
        print(
            f"API RSS idle {idle_kb / 1024:.0f} MB, peak while ingesting {peak_kb / 1024:.0f} MB, "
            f"+{(peak_kb - idle_kb) / 1024:.0f} MB for a {total / 2**20:.0f} MB batch (target <= +100 MB)"
        )


if __name__ == "__main__":
    main()
