"""The full-precision baseline."""

from __future__ import annotations

import torch

from bnnlab.quantizers.base import Quantizer
from bnnlab.quantizers.registry import register_quantizer


@register_quantizer
class Identity(Quantizer):
    """No quantization: forward ``x``, backward the incoming gradient unchanged.

    Put in place of a binary quantizer it gives the same network in full precision.
    """

    name = "fp"
    bit_width = 32

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        return x
