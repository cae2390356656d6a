"""Chaos run: a batch of small bundles through the API, Redis and Celery workers on this machine, while Redis is
restarted (stopped with SIGTERM, or killed with kill -9; AOF on; started again on the same port and data dir) and
worker processes are killed with kill -9 five times (pool processes, and whole workers that are then replaced).

Prints, per variant: verdicts counted, bundles lost (no verdict), duplicated (a verdict counted twice), error
verdicts (CHECK_ERROR: a bundle judged for the chaos rather than for its documents), rerun (bundles started more
than once, as after a kill: harmless, their verdict is still stored once), how long Redis was down and
how many seconds after Redis answered again the first new verdict was stored (recovery), and the total time.

    python bench/chaos.py [--bundles 200] [--variant term|kill|both] [--down-s 5] [--deadline-s 900]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.bad_files import tiny_jpeg  # noqa: E402
from tests.integration.payload import good_bundle, manifest, post_batch  # noqa: E402
from tests.integration.stack import Stack, descendants, running_stack  # noqa: E402
from workers import keys  # noqa: E402

WORKER_KILLS = 5
# Low enough that a message taken by a killed worker comes back within the run; above any small bundle's time.
VISIBILITY_TIMEOUT_S = 30


@dataclass
class Outcome:
    variant: str
    bundles: int
    verdicts: int = 0
    counted: int = 0
    error_verdicts: int = 0
    rerun: int = 0
    down_s: float = 0.0
    recovery_s: float | None = None
    total_s: float = 0.0
    finished: bool = False

    @property
    def lost(self) -> int:
        return self.bundles - self.verdicts

    @property
    def duplicated(self) -> int:
        return self.counted - self.verdicts


def _verdicts(stack: Stack, batch_id: str) -> int | None:
    try:
        return int(stack.redis.hlen(keys.verdicts(batch_id)))
    except Exception:  # Redis down: unknown
        return None


def _kill_one_worker_process(stack: Stack, rng: random.Random, whole: bool) -> str:
    """kill -9 a pool process of a live worker, or (whole) the worker and its pool, then start a replacement."""
    live = [w for w in stack.workers if w.poll() is None]
    victim = rng.choice(live)
    if whole:
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        stack.start_worker(f"r{len(stack.workers)}")
        return f"worker {victim.pid} and its pool"
    children = sorted(descendants(victim.pid))
    if not children:
        return "nothing (no pool process yet)"
    child = rng.choice(children)
    os.kill(child, signal.SIGKILL)
    return f"pool process {child}"


def run(variant: str, bundles: int, down_s: float, deadline_s: float, seed: int) -> Outcome:
    sig = signal.SIGTERM if variant == "term" else signal.SIGKILL
    rng = random.Random(seed)
    outcome = Outcome(variant, bundles)
    env = {"PREFLIGHT_VISIBILITY_TIMEOUT_S": str(VISIBILITY_TIMEOUT_S), "PREFLIGHT_WORKER_CONCURRENCY": "2"}
    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), workers=2, extra_env=env) as stack:
        files: dict[str, bytes] = {}
        for i in range(bundles):
            files.update({f"c{i}/{name}": tiny_jpeg(seed=i % 7) for name in ("id.jpg", "selfie.jpg", "bill.jpg")})
        doc = manifest(*(good_bundle(f"C-{i:04d}", f"c{i}") for i in range(bundles)))
        with stack.client() as client:
            answer = post_batch(client, doc, files)
            answer.raise_for_status()
            batch_id = answer.json()["batch_id"]
        started = time.monotonic()
        # Events at fractions of the batch: worker kills around the Redis restart, which happens at 40 %.
        kill_marks = [0.1, 0.25, 0.55, 0.7, 0.85]
        redis_mark = 0.4
        kills_done, restarted, back_at, verdicts_at_back = 0, False, 0.0, 0
        deadline = started + deadline_s
        while time.monotonic() < deadline:
            done = _verdicts(stack, batch_id) or 0
            if done >= bundles:
                outcome.finished = True
                break
            if back_at and outcome.recovery_s is None and done > verdicts_at_back:
                outcome.recovery_s = time.monotonic() - back_at
            if kills_done < WORKER_KILLS and done >= kill_marks[kills_done] * bundles:
                what = _kill_one_worker_process(stack, rng, whole=kills_done % 2 == 1)
                kills_done += 1
                print(f"  {time.monotonic() - started:6.1f} s  kill -9 {what} ({done}/{bundles} verdicts)")
            if not restarted and done >= redis_mark * bundles:
                print(f"  {time.monotonic() - started:6.1f} s  redis-server {sig.name} ({done}/{bundles} verdicts)")
                down_at = time.monotonic()
                stack.stop_redis(sig)
                time.sleep(down_s)
                stack.start_redis_again()
                back_at = time.monotonic()
                outcome.down_s = back_at - down_at
                verdicts_at_back = _verdicts(stack, batch_id) or 0
                restarted = True
                print(f"  {back_at - started:6.1f} s  redis-server answers again ({verdicts_at_back} verdicts)")
            time.sleep(0.2)
        outcome.total_s = time.monotonic() - started
        record = stack.batch_record(batch_id)
        outcome.verdicts = _verdicts(stack, batch_id) or 0
        outcome.counted = sum(int(v) for k, v in record.items() if k.startswith("count:"))
        codes = stack.redis.hgetall(keys.codes(batch_id))
        outcome.error_verdicts = int(codes.get(b"CHECK_ERROR", 0))
        attempts = stack.redis.hgetall(keys.attempts(batch_id)).values()
        outcome.rerun = sum(1 for n in attempts if int(n) > 1)
        print(f"  batch state {record.get('state')!r}, done {record.get('done')} of {record.get('total')}")
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundles", type=int, default=200)
    parser.add_argument("--variant", choices=["term", "kill", "both"], default="both")
    parser.add_argument("--down-s", type=float, default=5.0, help="how long Redis stays down")
    parser.add_argument("--deadline-s", type=float, default=900.0, help="give up (and report losses) after this")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    variants = ["term", "kill"] if args.variant == "both" else [args.variant]
    results = []
    for variant in variants:
        print(f"variant {variant}: {args.bundles} bundles, Redis down {args.down_s:.0f} s, {WORKER_KILLS} kill -9")
        results.append(run(variant, args.bundles, args.down_s, args.deadline_s, args.seed))
    print()
    print(
        "variant  bundles  verdicts  lost  duplicated  error_verdicts  rerun  redis_down_s  recovery_s  total_s  done"
    )
    for r in results:
        recovery = f"{r.recovery_s:10.1f}" if r.recovery_s is not None else "         -"
        print(
            f"{r.variant:<8} {r.bundles:7d} {r.verdicts:9d} {r.lost:5d} {r.duplicated:11d} {r.error_verdicts:15d} "
            f"{r.rerun:6d} "
            f"{r.down_s:13.1f} {recovery}  {r.total_s:7.1f}  {'yes' if r.finished else 'NO'}"
        )
    sys.exit(0 if all(r.finished and r.lost == 0 and r.duplicated == 0 for r in results) else 1)


if __name__ == "__main__":
    main()
