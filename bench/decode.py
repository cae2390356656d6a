"""Cost of the Capture's one decode (Pillow decode, EXIF orientation, copy into a numpy array) relative to a
bare Pillow decode of the same bytes, with glibc's default allocator settings and with the worker's
(`workers.allocator.keep_freed_memory`: large buffers reused instead of mapped and faulted in afresh).

Each setting runs in a process of its own (the setting is process-wide), both within this one run, over the
corpus and the generated scenes of bench/quality.py (2 MP photos and 12 MP phone-sized ones); each time is
the best of 3. Prints the median of (Capture decode / Pillow decode) per group.
Run: python -m bench.decode [--generated N] [--phone N]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from PIL import Image

from bench.quality import images
from workers.allocator import keep_freed_memory
from workers.checks.capture import Capture

REPEATS = 3


def _best(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _pillow(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as img:
        img.load()


def measure(generated: int, phone: int) -> dict[str, list[float]]:
    """Capture decode / Pillow decode per image, grouped by image set."""
    groups: dict[str, list[float]] = {}
    for name, data, _ in images(generated, phone):
        pillow = _best(lambda: _pillow(data))  # noqa: B023 - called before the loop moves on
        capture = _best(lambda: Capture(data=data, filename=name).rgb)  # noqa: B023
        groups.setdefault(name.split("/")[0], []).append(capture / pillow)
    return groups


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generated", type=int, default=30)
    parser.add_argument("--phone", type=int, default=10)
    parser.add_argument("--child", choices=["default", "worker"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child == "worker" and not keep_freed_memory():
            print(json.dumps(None))
            return
        print(json.dumps(measure(args.generated, args.phone)))
        return
    results = {}
    for setting in ("default", "worker"):
        command = [sys.executable, "-m", "bench.decode", "--child", setting]
        command += ["--generated", str(args.generated), "--phone", str(args.phone)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results[setting] = json.loads(output.strip().splitlines()[-1])
    print("median (Capture decode / Pillow decode), best of 3 each")
    print(f"{'group':12s} {'glibc default':>14s} {'worker setting':>15s}")
    for group, ratios in results["default"].items():
        worker = results["worker"]
        reused = f"{statistics.median(worker[group]):15.2f}" if worker else f"{'(no mallopt)':>15s}"
        print(f"{group:12s} {statistics.median(ratios):14.2f} {reused}")


if __name__ == "__main__":
    main()
