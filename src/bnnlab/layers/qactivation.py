"""An activation quantizer as a module of its own."""

from __future__ import annotations

import torch
from torch import nn

from bnnlab.quantizers import Quantizer


class QActivation(nn.Module):
    """Quantizes the activations that flow through it with ``quantizer``.

    Every activation quantizer in a bnnlab model is one of these (a layer's input
    quantizer included), so instruments such as the gradient callbacks find them all
    by type and name them by module path.
    """

    def __init__(self, quantizer: Quantizer) -> None:
        super().__init__()
        self.quantizer = quantizer

    @property
    def is_binary(self) -> bool:
        return self.quantizer.is_binary

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.quantizer(x)
