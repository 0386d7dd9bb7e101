"""What the quantized layers share: quantizers for inputs and weights, weight scaling."""

from __future__ import annotations

import torch
from torch import nn

from bnnlab.layers.qactivation import QActivation
from bnnlab.quantizers import Identity, Quantizer


class QuantizedLayer:
    """Mixin for an ``nn.Module`` layer with a ``weight`` whose inputs and weights are
    quantized before the layer's own op.

    The float ``weight`` stays the parameter the optimizer updates (the "latent"
    weight); the forward pass uses ``quantized_weight()``. A quantizer left as ``None``
    is full precision (``Identity``). With ``weight_scale`` the quantized weight is
    multiplied by ``α = mean|W|`` per output channel (XNOR-Net, Rastegari et al., 2016),
    differentiable in ``W``.
    """

    weight: nn.Parameter
    input_quantizer: QActivation
    weight_quantizer: Quantizer
    weight_scale: bool

    def init_quantization(
        self,
        input_quantizer: Quantizer | None,
        weight_quantizer: Quantizer | None,
        weight_scale: bool,
    ) -> None:
        self.input_quantizer = QActivation(input_quantizer or Identity())
        self.weight_quantizer = weight_quantizer or Identity()
        self.weight_scale = bool(weight_scale)

    @property
    def has_binary_weights(self) -> bool:
        return self.weight_quantizer.is_binary

    @property
    def has_binary_inputs(self) -> bool:
        return self.input_quantizer.is_binary

    def weight_scale_factor(self) -> torch.Tensor:
        """``α = mean|W|`` over every dim but the output channels, shaped to broadcast."""
        reduce_dims = tuple(range(1, self.weight.dim()))
        return self.weight.abs().mean(dim=reduce_dims, keepdim=True)

    def quantized_weight(self) -> torch.Tensor:
        weight = self.weight_quantizer(self.weight)
        if self.weight_scale:
            weight = weight * self.weight_scale_factor()
        return weight
