"""JPEG structure read from the file's bytes: quantization tables, encoder markers, estimated quality, and the
periodic DCT-coefficient histograms that a second compression leaves (measured on the already decoded luma).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
from numpy.typing import NDArray

from workers.checks.files.jpeg_segments import jpeg_segments

# JPEG standard (ITU-T T.81 Annex K.1) luminance table, natural (row-major) order; libjpeg scales it by
# quality.
ANNEX_K_LUMA = np.array(
    [
        [16, 11, 10, 16, 24, 40, 51, 61],
        [12, 12, 14, 19, 26, 58, 60, 55],
        [14, 13, 16, 24, 40, 57, 69, 56],
        [14, 17, 22, 29, 51, 87, 80, 62],
        [18, 22, 37, 56, 68, 109, 103, 77],
        [24, 35, 55, 64, 81, 104, 113, 92],
        [49, 64, 78, 87, 103, 121, 120, 101],
        [72, 92, 95, 98, 112, 100, 103, 99],
    ],
    dtype=np.int32,
)

# Zig-zag scan position -> natural (row-major) index, as DQT segments store tables in zig-zag order.
ZIGZAG = np.array(
    [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48,
     41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22,
     15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63],
    dtype=np.int32,
)  # fmt: skip


@dataclass(frozen=True)
class JpegStructure:
    """What the markers before the first scan say about how a JPEG was written."""

    tables: dict[int, NDArray[np.int32]]  # table id -> 8x8 natural-order quantization table
    adobe_app14: bool  # APP14 "Adobe": written by Adobe software, never by a phone camera
    photoshop_app13: bool  # APP13 "Photoshop 3.0" image resources
    progressive: bool


def read_structure(data: bytes) -> JpegStructure | None:
    """Parse the marker segments of a JPEG up to its first scan; None if `data` is not a JPEG."""
    if not data.startswith(b"\xff\xd8"):
        return None
    tables: dict[int, NDArray[np.int32]] = {}
    adobe = photoshop = progressive = False
    for segment in jpeg_segments(data):  # the headers, up to the first scan
        marker, body = segment.marker, segment.body
        if marker == 0xDB:
            _read_dqt(body, tables)
        elif marker == 0xEE and body.startswith(b"Adobe"):
            adobe = True
        elif marker == 0xED and body.startswith(b"Photoshop 3.0"):
            photoshop = True
        elif marker in (0xC2, 0xC6, 0xCA, 0xCE):
            progressive = True
    return JpegStructure(tables=tables, adobe_app14=adobe, photoshop_app13=photoshop, progressive=progressive)


def _read_dqt(body: bytes, tables: dict[int, NDArray[np.int32]]) -> None:
    pos = 0
    while pos < len(body):
        precision, table_id = body[pos] >> 4, body[pos] & 0x0F
        size = 128 if precision else 64
        raw = body[pos + 1 : pos + 1 + size]
        if len(raw) < size:
            return
        values = np.frombuffer(raw, dtype=">u2" if precision else np.uint8).astype(np.int32)
        natural = np.empty(64, np.int32)
        natural[ZIGZAG] = values
        tables[table_id] = natural.reshape(8, 8)
        pos += 1 + size


def libjpeg_luma_table(quality: int) -> NDArray[np.int32]:
    """The luminance table libjpeg (and Pillow, OpenCV, GIMP, most apps) writes at `quality` 1-100."""
    quality = min(max(quality, 1), 100)
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return np.clip((ANNEX_K_LUMA * scale + 50) // 100, 1, 255).astype(np.int32)


@cache
def _all_libjpeg_tables() -> NDArray[np.int32]:
    return np.stack([libjpeg_luma_table(q) for q in range(1, 101)])


def estimate_quality(luma: NDArray[np.int32]) -> tuple[int, float]:
    """(libjpeg quality whose luma table is closest, mean absolute step difference to it).

    A difference of 0 means the file was written by a libjpeg-family encoder at exactly that quality; phone
    cameras mostly write their own tuned tables, which sit a few steps away from every libjpeg quality.
    """
    errors = np.abs(_all_libjpeg_tables() - luma[None]).mean(axis=(1, 2))
    best = int(np.argmin(errors))
    return best + 1, float(errors[best])


def _dct_matrix() -> NDArray[np.float32]:
    k = np.arange(8)[:, None]
    i = np.arange(8)[None, :]
    mat = np.sqrt(2 / 8) * np.cos(np.pi * (2 * i + 1) * k / 16)
    mat[0] /= np.sqrt(2)
    orthonormal: NDArray[np.float32] = mat.astype(np.float32)
    return orthonormal


DCT8 = _dct_matrix()
# Low and mid frequencies: enough coefficients are non-zero there for a histogram in any photo.
HISTOGRAM_FREQUENCIES = ((0, 1), (1, 0), (1, 1), (0, 2), (2, 0), (2, 1), (1, 2), (2, 2))
HISTOGRAM_LOW = 3  # the transform need only keep frequencies 0-2 in each direction


def block_dct(luma: NDArray[np.uint8], max_blocks: int = 8000, low: int = 8) -> NDArray[np.float32]:
    """8x8 DCT of the luma blocks on the JPEG grid (top-left origin), evenly subsampled to `max_blocks`; only
    the `low` x `low` lowest frequencies of each block (all 64 by default), shape (blocks, low, low).

    The 2-D transform is one matrix product of the flattened blocks with the Kronecker product of the basis
    rows (each row one 8 x 8 basis image): a single large product instead of two per block, about 3 times
    cheaper for 3 frequencies, and only the frequencies a measure uses are computed.
    """
    rows, cols = luma.shape[0] // 8, luma.shape[1] // 8
    if rows * cols == 0:  # smaller than one block
        return np.zeros((0, low, low), np.float32)
    take = np.linspace(0, rows * cols - 1, min(max_blocks, rows * cols)).astype(np.int64)
    r, c = np.divmod(take, cols)
    pixels = _gather_blocks(luma[: rows * 8, : cols * 8], r, c)
    blocks = np.subtract(pixels, 128.0, dtype=np.float32)
    # OpenCV's product, not numpy's: numpy hands it to a multi-threaded BLAS, which on a busy machine waits for
    # a second core (3-8 ms instead of 0.3).
    flat = cv2.gemm(blocks, _basis_images(low), 1.0, _NO_ADDEND, 0.0, flags=cv2.GEMM_2_T)
    coefficients: NDArray[np.float32] = np.asarray(flat.reshape(len(take), low, low), dtype=np.float32)
    return coefficients


def _gather_blocks(grid: NDArray[np.uint8], r: NDArray[np.int64], c: NDArray[np.int64]) -> NDArray[np.uint8]:
    """The 8 x 8 blocks at block rows `r`, block columns `c` of `grid` (a multiple of 8 on both sides),
    flattened to 64 pixels each."""
    if grid.strides[1] == 1:
        # Each 8-pixel line of a block read as one 8-byte integer: 8 values to pick per block instead of 64.
        # Picked by flat index from the raveled view: cheaper than two-axis fancy indexing.
        segments = grid.view(np.uint64)  # (image row, block column)
        flat = ((r * 8)[:, None] + np.arange(8)[None, :]) * segments.shape[1] + c[:, None]
        return np.asarray(np.take(segments.ravel(), flat).view(np.uint8).reshape(len(r), 64), dtype=np.uint8)
    blocks = grid.reshape(grid.shape[0] // 8, 8, grid.shape[1] // 8, 8)[r, :, c, :]
    return np.asarray(blocks.reshape(len(r), 64), dtype=np.uint8)


_NO_ADDEND = np.empty((0, 0), np.float32)  # cv2.gemm's third operand, unused (its weight is 0)


@cache
def _basis_images(low: int) -> NDArray[np.float32]:
    """The `low` x `low` lowest 2-D DCT basis images, flattened: row u * low + v is basis u (vertical) times
    basis v (horizontal)."""
    basis = DCT8[:low]
    images: NDArray[np.float32] = np.kron(basis, basis).astype(np.float32)
    return images


def double_compression_periodicity(coefficients: NDArray[np.float32], luma_table: NDArray[np.int32]) -> float:
    """How periodic the quantized DCT histograms are (median over low frequencies; ~2 single, >5 double).

    Each coefficient divided by the file's own step gives the integer the encoder stored. After one compression
    those integers follow a smooth, Laplacian-like histogram; a first compression with coarser steps leaves a
    comb (peaks and empty bins repeating every q1/q2 bins). The number is the strongest non-trivial peak of the
    spectrum of the detrended log-histogram over the mean spectrum level (Popescu and Farid's idea).
    """
    us, vs = np.array(HISTOGRAM_FREQUENCIES).T
    steps = luma_table[us, vs].astype(np.float32)
    # All frequencies at once: the stored integers |k|, then one histogram of k = 0..40 per frequency (in place
    # and in 32 bits: a quarter of the time of fresh 64-bit temporaries, the same counts).
    stored = coefficients[:, us, vs] / steps
    k = np.abs(np.rint(stored, out=stored), out=stored).astype(np.int32)
    k[k > 40] = 0
    k += 41 * np.arange(len(us), dtype=np.int32)
    histograms = np.bincount(k.ravel(), minlength=41 * len(us)).reshape(len(us), 41)[:, 1:]
    scores: list[float] = []
    for counts in histograms:
        if counts.sum() < 500:  # too few non-zero coefficients for a histogram: flat or tiny image
            continue
        hist = counts.astype(np.float64)
        last = int(np.nonzero(hist)[0][-1])
        hist = hist[: max(8, last + 1)]
        log_hist = np.log1p(hist)
        edged = np.concatenate((log_hist[:1].repeat(2), log_hist, log_hist[-1:].repeat(2)))  # np.pad's "edge"
        trend = np.convolve(edged, np.full(5, 0.2), mode="valid")
        spectrum = np.abs(np.fft.rfft(log_hist - trend))
        if spectrum.size <= 3:
            continue
        scores.append(float(spectrum[2:].max() / (spectrum[1:].mean() + 1e-9)))
    return float(np.median(scores)) if scores else 0.0
