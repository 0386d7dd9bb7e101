"""How a model binarizes its layers: one object that every model builder shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from torch import nn

from bnnlab.layers import QuantizedLayer
from bnnlab.quantizers import Quantizer
from bnnlab.validation import one_of

QuantizerFactory = Callable[[], Quantizer]

FP_ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "hardtanh": nn.Hardtanh,
    "relu": nn.ReLU,
    "prelu": nn.PReLU,
    "none": nn.Identity,
}


@dataclass(frozen=True)
class Binarization:
    """Which quantizers a model's layers get, and what stands in for the sign where a
    layer's input stays full precision.

    Args:
        quantizer: makes the quantizer of activations (and of weights unless
            ``weight_quantizer`` is given); called once per layer.
        weight_quantizer: makes the weights' quantizer, if it differs.
        weight_scale: "none", "mean" (XNOR-Net) or "learned" (BNN+): see ``QuantizedLayer``.
        fp_activation: the real-valued nonlinearity in front of a layer whose input is
            not binarized. A binarized network's only nonlinearity is its sign: without
            this, its full-precision twin (``quantizer=fp``) would be a linear model.
        pad_value: padding value of binarized convolutions (-1, 0 or +1).
    """

    quantizer: QuantizerFactory
    weight_quantizer: QuantizerFactory | None = None
    weight_scale: bool | str = False
    fp_activation: str = "hardtanh"
    pad_value: float = 0.0

    def __post_init__(self) -> None:
        one_of("fp_activation", self.fp_activation, FP_ACTIVATIONS)

    def layer_kwargs(self, binarized: bool, conv: bool = False) -> dict[str, Any]:
        """Constructor arguments of a quantized layer; none for a full-precision one."""
        if not binarized:
            return {}
        kwargs: dict[str, Any] = dict(
            input_quantizer=self.quantizer(),
            weight_quantizer=(self.weight_quantizer or self.quantizer)(),
            weight_scale=self.weight_scale,
        )
        if conv:
            kwargs["pad_value"] = self.pad_value
        return kwargs

    def input_activation(self, layer: QuantizedLayer) -> nn.Module:
        """What goes in front of ``layer``: nothing if it binarizes its input (the sign is
        the nonlinearity), else ``fp_activation``."""
        if layer.has_binary_inputs:
            return nn.Identity()
        return FP_ACTIVATIONS[self.fp_activation]()


def is_binarized(index: int, count: int, binarize_first: bool, binarize_last: bool) -> bool:
    """Whether layer ``index`` of ``count`` is binarized: all but the first and last, unless
    asked (standard BNN practice keeps those two in full precision)."""
    if index == 0:
        return binarize_first
    if index == count - 1:
        return binarize_last
    return True
