"""Quantized fully connected layer."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from bnnlab.layers.quantized import QuantizedLayer
from bnnlab.quantizers import Quantizer


class QLinear(nn.Linear, QuantizedLayer):
    """``nn.Linear`` on quantized inputs with quantized weights:
    ``y = input_quantizer(x) @ quantized_weight().T + bias`` (bias kept in full precision).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        input_quantizer: Quantizer | None = None,
        weight_quantizer: Quantizer | None = None,
        weight_scale: bool | str = False,
    ) -> None:
        super().__init__(in_features, out_features, bias)
        self.init_quantization(input_quantizer, weight_quantizer, weight_scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(self.input_quantizer(x), self.quantized_weight(), self.bias)
