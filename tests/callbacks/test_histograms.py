"""Histogram helpers: every finite value counted once, edges that cover them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from bnnlab.callbacks.histograms import histograms, mean_histograms


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_every_finite_value_is_counted_once(dtype):
    generator = torch.Generator().manual_seed(0)
    for exponent in range(-12, 4):
        scale = 10.0**exponent
        values = (torch.randn(1000, generator=generator) * scale).to(dtype)
        values = values[torch.isfinite(values)]
        found = histograms({"x": values}, bins=64)["x"]
        assert found.counts.sum() == values.numel()
        assert found.edges[0] <= values.min().item() and found.edges[-1] >= values.max().item()
        assert len(found.edges) == 65 and np.all(np.diff(found.edges) > 0)


def test_constant_nonfinite_and_empty_tensors():
    found = histograms(
        {
            "constant": torch.full((7,), 3.0),
            "with_nan": torch.tensor([1.0, float("nan"), float("inf"), 2.0]),
            "empty": torch.tensor([float("nan")]),
        },
        bins=4,
    )
    assert found["constant"].counts.sum() == 7
    assert found["with_nan"].counts.tolist() == [1, 0, 0, 1]
    assert "empty" not in found


def test_mean_per_bin():
    x = torch.tensor([0.0, 0.1, 0.9, 1.0])
    y = torch.tensor([1.0, 3.0, 10.0, float("nan")])
    found = mean_histograms({"p": (x, y)}, bins=2)["p"]
    np.testing.assert_allclose(found.edges, [0.0, 0.45, 0.9])
    np.testing.assert_allclose(found.counts, [2.0, 10.0])
