"""The spectrum of a capture's fine detail: one answer to "is this a photo of a screen?" for a document and a
face alike (DOC_SCREEN_PHOTO, its held-card twin and SELFIE_RECAPTURED read the same measure against the same
limit). Pure numpy/OpenCV, no domain: the quality and face checks both import it.
"""

from __future__ import annotations

from functools import cache
from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray

# Strongest fine periodic peak (periodic_peak, a ratio to its surroundings) above which a capture shows a
# screen's pixel grid. Documents, on a 512 px native patch: generated screens 36.7+, clean generated captures
# <= 18.7, the finest guilloche among flat corpus specimens (Croatian passport) 25.3. Held cards (the same limit):
# good cards 2.7-6.2, a selfie photographed off a monitor 46.8-94.1. Faces (the central 512 px of the face box):
# fixture selfies 2.9-4.9 over 6 seeds of every defect scene, the 50 real face photos of the corpus <= 4.85,
# the fixture photographed screens 55.3-69.1 (docs/calibration/face.md).
SCREEN_PEAK_LIMIT = 30.0


@cache
def _spectral_layout(n: int) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """(Hann window, frequency band searched) for an n x n patch; built once per size."""
    window = np.outer(np.hanning(n), np.hanning(n)).astype(np.float32)
    freq = np.fft.fftshift(np.fft.fftfreq(n))
    fx, fy = np.meshgrid(freq, freq)
    radius = np.hypot(fx, fy)
    bins = 2.5 / n
    near_block = (np.abs(fx * 8 - np.round(fx * 8)) * n / 8 < 2.5) & (np.abs(fy * 8 - np.round(fy * 8)) * n / 8 < 2.5)
    on_axis = (np.abs(fx) < bins) | (np.abs(fy) < bins)
    band = (radius >= 0.125) & (radius <= 0.45) & ~near_block & ~on_axis
    return window, np.asarray(band, dtype=np.bool_)


# Columns of negative horizontal frequency rebuilt for the spectrum's baseline: the reach of its 11 x 11 box.
_BASELINE_REACH = 5


def _half_spectrum(windowed: NDArray[np.float32]) -> NDArray[np.float32]:
    """|DFT| of a real n x n patch for horizontal frequencies -_BASELINE_REACH/n up to (n/2 - 1)/n (columns)
    and all vertical ones, centred (rows: -1/2 up to 1/2 - 1/n).

    A real image's spectrum is symmetric (|F(u, v)| = |F(-u, -v)|): one half holds every magnitude. OpenCV's
    real transform returns that half packed (CCS), at a third of the cost of the complex one."""
    n = windowed.shape[0]
    half, reach = n // 2, _BASELINE_REACH
    packed = cv2.dft(windowed)
    mag = np.empty((n, half + reach), np.float32)
    # Columns u = 1 .. n/2 - 1: real and imaginary parts side by side.
    mag[:, reach + 1 :] = cv2.magnitude(
        np.ascontiguousarray(packed[:, 1 : n - 1 : 2]), np.ascontiguousarray(packed[:, 2 : n - 1 : 2])
    )
    # Column u = 0: a real signal's 1-D spectrum packed down the first column, conjugate-symmetric.
    first = packed[:, 0]
    pairs = np.hypot(first[1 : n - 1 : 2], first[2 : n - 1 : 2])
    zero = mag[:, reach]
    zero[0], zero[half] = abs(first[0]), abs(first[n - 1])
    zero[1:half], zero[half + 1 :] = pairs, pairs[::-1]
    # Columns u = -reach .. -1 mirror u = reach .. 1 with v negated.
    mag[:, :reach] = mag[(-np.arange(n)) % n][:, 2 * reach : reach : -1]
    return cast(NDArray[np.float32], np.fft.fftshift(mag, axes=0))


def periodic_peak(gray: NDArray[np.uint8]) -> float:
    """Prominence of the strongest fine periodic pattern (period 2.2-8 px): a screen's pixel grid or moire.

    Log-magnitude spectrum of a Hann-windowed patch (native resolution, no resampling) minus its local mean;
    the maximum over frequencies 0.125-0.45 cycles/px, leaving out the JPEG 8x8 block harmonics (k/8, l/8) and
    the axes (text strokes). Returned as a magnitude ratio: 1 = no peak, 10 = ten times its surroundings.
    """
    n = 1 << int(np.log2(min(gray.shape)))
    n = min(n, 512)
    if n < 64:
        return 1.0
    y0, x0 = (gray.shape[0] - n) // 2, (gray.shape[1] - n) // 2
    patch = gray[y0 : y0 + n, x0 : x0 + n].astype(np.float32)
    window, band = _spectral_layout(n)
    spectrum = _half_spectrum(np.ascontiguousarray((patch - patch.mean()) * window))
    log_mag = cv2.log(spectrum + np.float32(1e-3))
    # The surroundings: an 11 x 11 box mean of the log spectrum (a lone peak lifts it by 1/121 of its height).
    baseline = cv2.blur(log_mag, (2 * _BASELINE_REACH + 1, 2 * _BASELINE_REACH + 1))
    # The band is symmetric too: its half u >= 0 holds its maximum.
    prominence = (log_mag - baseline)[:, _BASELINE_REACH:]
    return float(np.exp(prominence[band[:, n // 2 :]].max()))
