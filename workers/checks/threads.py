"""One compute thread per worker process: where bundles run in a pool of processes (the Celery prefork pool,
`preflight check --jobs N`), the pool is the parallelism. OpenCV's own thread pool and BLAS's in every process
would put N x cores threads on the cores, each slowing the others."""

from __future__ import annotations

import os

# Read by OpenBLAS, MKL and OpenMP when they load: set before a child process imports numpy (children inherit
# the parent's environment), and in the process itself for libraries loaded later.
BLAS_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def one_thread_environment() -> dict[str, str]:
    """The environment variables that hold BLAS and OpenMP to one thread (values the caller has set win)."""
    return {name: os.environ.get(name, "1") for name in BLAS_THREAD_VARIABLES}


def use_one_thread() -> None:
    """Hold this process's OpenCV to one thread, and set the BLAS variables for what it loads or starts next.
    (The OCR's onnxruntime session is built with one intra-op thread already: identity/ocr.py.)"""
    os.environ.update(one_thread_environment())
    # Imported here, not at the top: this module is also imported by processes that must set the BLAS
    # variables before anything loads numpy (which OpenCV's import does).
    import cv2

    cv2.setNumThreads(1)
