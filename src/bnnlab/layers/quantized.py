"""What the quantized layers share: quantizers for inputs and weights, weight scaling."""

from __future__ import annotations

import torch
from torch import nn

from bnnlab.layers.qactivation import QActivation
from bnnlab.quantizers import Identity, Quantizer
from bnnlab.validation import one_of

WEIGHT_SCALES = ("none", "mean", "learned")
SCALE_REGULARIZERS = ("l1", "l2")


class QuantizedLayer:
    """Mixin for an ``nn.Module`` layer with a ``weight`` whose inputs and weights are
    quantized before the layer's own op.

    The float ``weight`` stays the parameter the optimizer updates (the "latent"
    weight); the forward pass uses ``quantized_weight()``. A quantizer left as ``None``
    is full precision (``Identity``). ``weight_scale`` multiplies the quantized weight
    per output channel by

    - ``"none"`` (or False): nothing;
    - ``"mean"`` (or True): ``α = mean|W|``, differentiable in ``W`` (XNOR-Net,
      Rastegari et al., 2016);
    - ``"learned"``: a trainable ``α`` initialised to ``mean|W|`` (BNN+, Darabi et al.,
      2018), which ``scale_regularization`` ties to ``|W|``.
    """

    weight: nn.Parameter
    input_quantizer: QActivation
    weight_quantizer: Quantizer
    weight_scale: str

    def init_quantization(
        self,
        input_quantizer: Quantizer | None,
        weight_quantizer: Quantizer | None,
        weight_scale: bool | str,
    ) -> None:
        self.input_quantizer = QActivation(input_quantizer or Identity())
        self.weight_quantizer = weight_quantizer or Identity()
        if isinstance(weight_scale, bool):
            weight_scale = "mean" if weight_scale else "none"
        self.weight_scale = one_of("weight_scale", weight_scale, WEIGHT_SCALES)
        if self.weight_scale == "learned":
            self.scale = nn.Parameter(self.weight_scale_factor().detach().clone())

    @property
    def has_binary_weights(self) -> bool:
        return self.weight_quantizer.is_binary

    @property
    def has_binary_inputs(self) -> bool:
        return self.input_quantizer.is_binary

    def weight_scale_factor(self) -> torch.Tensor:
        """``mean|W|`` over every dim but the output channels, shaped to broadcast."""
        reduce_dims = tuple(range(1, self.weight.dim()))
        return self.weight.abs().mean(dim=reduce_dims, keepdim=True)

    def quantized_weight(self) -> torch.Tensor:
        weight = self.weight_quantizer(self.weight)
        if self.weight_scale == "mean":
            weight = weight * self.weight_scale_factor()
        elif self.weight_scale == "learned":
            weight = weight * self.scale
        return weight

    def scale_regularization(self, kind: str) -> torch.Tensor:
        """BNN+'s regulariser of a learned scale: the mean over the weights of
        ``R1 = |α - |w||`` (``kind="l1"``) or ``R2 = (α - |w|)²`` (``"l2"``)."""
        one_of("scale_regularizer", kind, SCALE_REGULARIZERS)
        gap = self.scale - self.weight.abs()
        return gap.abs().mean() if kind == "l1" else gap.pow(2).mean()
