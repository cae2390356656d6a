"""Percentiles without sorting: the measures take several per image, and a full selection over a few hundred
thousand values costs more than the rest of a measure.

Both functions return exactly what `np.percentile(values, q)` returns (linear interpolation between the two
closest ranks); they only find those ranks more cheaply.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray


def _rank_positions(count: int, q: float) -> tuple[int, float]:
    """(lower rank, weight of the upper rank) of the q-th percentile among `count` sorted values."""
    position = q / 100.0 * (count - 1)
    lower = int(np.floor(position))
    return lower, position - lower


def percentiles_u8(values: NDArray[np.uint8], qs: list[float]) -> list[float]:
    """Percentiles of 8-bit values from their 256-bin histogram (one pass, no sort)."""
    flat = np.ascontiguousarray(values).reshape(-1, 1)
    cumulative = np.cumsum(cv2.calcHist([flat], [0], None, [256], [0, 256]).ravel())
    found = []
    for q in qs:
        lower, weight = _rank_positions(flat.shape[0], q)
        # The value at rank r is the first grey level whose cumulative count exceeds r.
        low_value = int(np.searchsorted(cumulative, lower, side="right"))
        high_value = int(np.searchsorted(cumulative, lower + 1, side="right")) if weight else low_value
        found.append(low_value + weight * (high_value - low_value))
    return found


def percentile_u8(values: NDArray[np.uint8], q: float) -> float:
    return percentiles_u8(values, [q])[0]


def median_u8(values: NDArray[np.uint8]) -> float:
    return percentile_u8(values, 50.0)


def upper_percentile(values: NDArray[np.floating[Any]], q: float) -> float:
    """A high percentile (q >= 90) of many values: only the values above a bound estimated on a subsample are
    selected from, and the ranks below the bound are counted. Falls back to a full selection when the bound
    turns out too high."""
    count = values.size
    lower, weight = _rank_positions(count, q)
    if count < 4096:
        return float(np.percentile(values, q))
    # A bound a few percentiles lower on every 16th value: below the true percentile unless the subsample is
    # far from representative, which the count check below catches.
    bound = float(np.percentile(values[::16], max(0.0, q - 3.0)))
    above = values[values >= bound]
    below = count - above.size
    if below > lower or above.size < lower + 2 - below:
        return float(np.percentile(values, q))
    first = lower - below
    second = min(first + 1, above.size - 1)
    chosen = np.partition(above, [first, second])
    return float(chosen[first] + weight * (chosen[second] - chosen[first]))
