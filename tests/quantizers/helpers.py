"""Run a quantizer forward and backward on a tensor."""

from __future__ import annotations

import torch

from bnnlab.quantizers import Quantizer


def forward_backward(
    quantizer: Quantizer, x: torch.Tensor, upstream: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(quantizer(x), dL/dx)`` for ``L = sum(upstream * quantizer(x))`` (upstream of ones)."""
    x = x.detach().clone().requires_grad_(True)
    y = quantizer(x)
    y.backward(torch.ones_like(y) if upstream is None else upstream)
    return y.detach(), x.grad
