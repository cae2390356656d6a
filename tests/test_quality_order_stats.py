"""The fast percentiles return exactly what np.percentile returns (the measures' calibration rests on it)."""

from __future__ import annotations

import numpy as np
import pytest

from workers.checks.locate.order_stats import median_u8, percentiles_u8, upper_percentile


@pytest.mark.parametrize("count", [1, 2, 7, 1000, 300_001])
def test_percentiles_u8_equal_numpy(count: int) -> None:
    values = np.random.default_rng(count).integers(0, 256, count).astype(np.uint8)
    qs = [0.0, 1.0, 50.0, 90.0, 99.0, 100.0]
    assert percentiles_u8(values, qs) == pytest.approx([float(np.percentile(values, q)) for q in qs], abs=1e-9)
    assert median_u8(values) == pytest.approx(float(np.median(values)), abs=1e-9)


@pytest.mark.parametrize("count", [10, 5000, 200_000])
@pytest.mark.parametrize("q", [90.0, 98.0, 99.5])
def test_upper_percentile_equals_numpy(count: int, q: float) -> None:
    # Skewed values, as edge-steepness ratios are: most small, a long tail.
    values = (np.random.default_rng(count).random(count) ** 4).astype(np.float32)
    assert upper_percentile(values, q) == pytest.approx(float(np.percentile(values, q)), rel=1e-6)


def test_upper_percentile_survives_an_unrepresentative_subsample() -> None:
    # Every 16th value (the subsample) is 0, the rest are 1: the bound from the subsample is too low to
    # help, and the answer must still be exact.
    values = np.ones(64_000, np.float32)
    values[::16] = 0.0
    assert upper_percentile(values, 98.0) == pytest.approx(float(np.percentile(values, 98.0)))
