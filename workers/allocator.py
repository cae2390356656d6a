"""Keep freed memory in a worker process instead of handing it back to the system after every image.

glibc serves each allocation above its mmap threshold (which grows with use, but to 32 MB at most on 64-bit
systems) with a fresh `mmap` and unmaps it again on `free`, so the next allocation of that size takes a page
fault on every 4 KiB page. A 12 MP phone photo is 36 MB as RGB: copying it out of Pillow into numpy cost
~60 ms on top of a ~40 ms decode, almost all of it page faults (`python -m bench.decode`). With mmap turned off
and the top of the heap kept, the buffers of one image are reused by the next. The price is that a worker
keeps its peak working set (a few hundred MB for the largest accepted image) until Celery recycles it
(`worker_max_memory_per_child`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

# mallopt parameter numbers, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4
# Free memory at the top of the heap is returned to the system only beyond 1 GiB: above any one image's working
# set (a 50 MP photo, the largest accepted, is 150 MB as RGB), below worker_max_memory_per_child (1.5 GB).
TRIM_THRESHOLD_BYTES = 1 << 30


def keep_freed_memory() -> bool:
    """Serve large allocations from the heap and keep freed memory for reuse (glibc only). True if applied;
    False on a C library without `mallopt` (musl, macOS), where nothing changes."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name)
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    applied = bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
    if not applied:
        log.warning("mallopt refused the allocator settings; large images will fault their pages in again")
    return applied
