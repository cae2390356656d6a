"""The worker's allocator setting: a second image-sized buffer reuses the first one's memory."""

from __future__ import annotations

import subprocess
import sys

import pytest

# In a process of its own: the setting is process-wide. Fills a 40 MB bytes object (a 12 MP RGB image is 36 MB,
# and Pillow hands pixels over as bytes), frees it, fills another, and prints the minor page faults the second
# one took. (Not numpy: it asks for transparent huge pages on large arrays, which hides the per-page faults.)
_PROBE = """
import resource, sys
from workers.allocator import keep_freed_memory
if sys.argv[1] == "worker" and not keep_freed_memory():
    print(-1); raise SystemExit
size = 40 << 20
first = b"\\x01" * size; del first
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
second = b"\\x01" * size
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""
PAGES = (40 << 20) // 4096


def _second_buffer_faults(setting: str) -> int:
    result = subprocess.run([sys.executable, "-c", _PROBE, setting], capture_output=True, text=True, check=True)
    return int(result.stdout.strip())


def test_second_large_buffer_does_not_fault_its_pages_in_again() -> None:
    faults = _second_buffer_faults("worker")
    if faults < 0:
        pytest.skip("this C library has no mallopt (not glibc): the setting does not apply")
    # Reused heap memory is already mapped: a handful of faults for the bookkeeping, not one per page.
    assert faults < PAGES // 10, f"{faults} page faults for a reused {PAGES}-page buffer"


def test_without_the_setting_the_probe_sees_every_page_fault() -> None:
    """The probe itself can tell the difference: under glibc's defaults a 40 MB buffer is a fresh mapping."""
    if _second_buffer_faults("worker") < 0:
        pytest.skip("this C library has no mallopt (not glibc)")
    assert _second_buffer_faults("default") >= PAGES // 2
