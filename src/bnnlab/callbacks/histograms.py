"""Histograms computed on the tensor's device, moved to the CPU in one transfer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Histogram:
    """``counts[i]`` values fell in ``[edges[i], edges[i + 1])`` (the last bin closed).

    For a profile (``mean_histograms``), ``counts`` holds a mean per bin instead.
    """

    counts: np.ndarray
    edges: np.ndarray


def _edges(values: torch.Tensor, bins: int) -> torch.Tensor:
    """``bins + 1`` float64 edges from ``values``' min to max, both exact (float64 holds
    any float32 difference exactly), so ``histc`` counts every value."""
    low, high = values.min().double(), values.max().double()
    # a constant tensor still gets a bin of non-zero width around its value
    pad = torch.where(high > low, 0.0, 0.5).to(low)
    steps = torch.linspace(0, 1, bins + 1, device=values.device, dtype=torch.float64)
    return (low - pad) + steps * (high - low + 2 * pad)


def _finite_flat(tensor: torch.Tensor) -> torch.Tensor:
    flat = tensor.detach().flatten().float()
    finite = torch.isfinite(flat)
    # masking copies the tensor: only pay for it when something is not finite
    return flat if bool(finite.all()) else flat[finite]


def histograms(tensors: dict[str, torch.Tensor], bins: int = 64) -> dict[str, Histogram]:
    """A ``bins``-bin histogram of each tensor's finite values over its own [min, max].

    Counting happens where the tensors are (``torch.histc``); all counts and edges reach
    the CPU in one ``.cpu()`` call. Empty tensors (nothing finite) are left out.
    """
    names, rows = [], []
    for name, tensor in tensors.items():
        values = _finite_flat(tensor)
        if values.numel() == 0:
            continue
        edges = _edges(values, bins)
        counts = torch.histc(values, bins=bins, min=edges[0].item(), max=edges[-1].item())
        names.append(name)
        rows.append(torch.cat([counts.double(), edges]))
    return _unpack(names, rows, bins)


def mean_histograms(
    pairs: dict[str, tuple[torch.Tensor, torch.Tensor]], bins: int = 64
) -> dict[str, Histogram]:
    """For each ``(x, y)`` pair, the mean of ``y`` over each of ``bins`` bins of ``x``
    (NaN where a bin is empty): how ``y`` depends on ``x``."""
    names, rows = [], []
    for name, (x, y) in pairs.items():
        x, y = x.detach().flatten().float(), y.detach().flatten().float()
        keep = torch.isfinite(x) & torch.isfinite(y)
        x, y = x[keep], y[keep]
        if x.numel() == 0:
            continue
        edges = _edges(x, bins)
        index = torch.bucketize(x.double(), edges[1:-1], right=True)
        sums = torch.zeros(bins, device=x.device, dtype=torch.float64).index_add_(
            0, index, y.double()
        )
        counts = torch.bincount(index, minlength=bins).double()
        names.append(name)
        rows.append(torch.cat([sums / counts, edges]))
    return _unpack(names, rows, bins)


def _unpack(names: list[str], rows: list[torch.Tensor], bins: int) -> dict[str, Histogram]:
    if not rows:
        return {}
    packed = torch.stack(rows).cpu().numpy()  # the one device-to-host transfer
    return {
        name: Histogram(counts=row[:bins], edges=row[bins:])
        for name, row in zip(names, packed, strict=True)
    }
