"""Our MRZ reader vs PassportEye on the same corpus images, in one run: exact reads and median seconds.

PassportEye (MIT, tesseract-based) is installed into a separate virtual environment, never into the project:
`--venv` (default /tmp/passporteye-venv) gets `pip install passporteye==2.2.2`; tesseract comes from apt when
missing (needs root). Both readers are timed per image from the file's bytes to the MRZ lines, with their
engines loaded beforehand. Run: /work/venv/bin/python bench/mrz_vs_passporteye.py
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.mrz_corpus import CORPUS, conformant  # noqa: E402
from workers.checks.capture import Capture  # noqa: E402
from workers.checks.identity import ocr  # noqa: E402
from workers.checks.identity.reader import capture_mrz  # noqa: E402

PASSPORTEYE = "passporteye==2.2.2"

# Runs inside PassportEye's venv: reads one image path per stdin line, answers one JSON line. PassportEye's
# parser pads short lines with '<' to the format's width before parsing, so its lines are scored padded too.
_PE_SCRIPT = """
import json, sys, time
from passporteye import read_mrz
WIDTH = {"TD1": 30, "TD2": 36, "TD3": 44, "MRVA": 44, "MRVB": 36}
for path in sys.stdin:
    path = path.strip()
    start = time.perf_counter()
    try:
        mrz = read_mrz(path)
    except Exception:
        mrz = None
    seconds = time.perf_counter() - start
    lines = None
    if mrz is not None:
        width = WIDTH.get(mrz.mrz_type or "", 0)
        raw = mrz.aux["raw_text"].split("\\n")
        lines = [line.ljust(width, "<")[:width] if width else line for line in raw]
    print(json.dumps({"seconds": seconds, "lines": lines}), flush=True)
"""


def ensure_passporteye(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if shutil.which("tesseract") is None:
        subprocess.run(["apt-get", "install", "-y", "tesseract-ocr"], check=True, stdout=subprocess.DEVNULL)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = subprocess.run([str(python), "-c", "import passporteye"], capture_output=True)
    if check.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", PASSPORTEYE], check=True)
    return python


class PassportEye:
    """PassportEye in its own process, fed one image at a time so both readers run under the same load."""

    def __init__(self, python: Path) -> None:
        self.proc = subprocess.Popen(
            [str(python), "-W", "ignore", "-c", _PE_SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def read(self, path: Path) -> tuple[float, list[str] | None]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        row = json.loads(self.proc.stdout.readline())
        return row["seconds"], row["lines"]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def read_ours(path: Path) -> tuple[float, list[str] | None]:
    data = path.read_bytes()
    start = time.perf_counter()
    capture = Capture(data, path.name)
    reading = capture_mrz(capture)
    return time.perf_counter() - start, list(reading.parsed.lines) if reading else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=Path("/tmp/passporteye-venv"))
    args = parser.parse_args()
    truth_file = CORPUS / "MRZ_GROUND_TRUTH.json"
    if not truth_file.exists():
        print(f"corpus not found at {CORPUS}: nothing to compare")
        return 0
    truth = json.loads(truth_file.read_text())
    python = ensure_passporteye(args.venv)
    theirs = PassportEye(python)
    theirs.read(CORPUS / next(iter(truth)))  # warm-up outside the timings: imports, first tesseract start
    ocr.engine()  # our engine is loaded once per process, likewise outside the timings
    exact = {"ours": 0, "passporteye": 0}
    seconds: dict[str, list[float]] = {"ours": [], "passporteye": []}
    print(f"{'image':45} {'ours':>12} {'passporteye':>12}")
    for name, expected in truth.items():
        row = []
        for label, read in (("ours", read_ours), ("passporteye", theirs.read)):
            took, lines = read(CORPUS / name)
            hit = lines == expected["lines"]
            exact[label] += hit and conformant(name, expected["lines"])
            seconds[label].append(took)
            row.append(f"{'EXACT' if hit else 'miss'} {took:5.2f}s")
        print(f"{name:45} {row[0]:>12} {row[1]:>12}")
    theirs.close()
    n = sum(conformant(name, e["lines"]) for name, e in truth.items())
    med = {label: statistics.median(values) for label, values in seconds.items()}
    print()
    for label, hits in exact.items():
        print(f"{label:12} exact reads {hits}/{n} ICAO-conformant images, median {med[label]:.3f} s/image")
    print(f"median time ratio ours/passporteye: {med['ours'] / med['passporteye']:.3f} (target <= 0.333)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
