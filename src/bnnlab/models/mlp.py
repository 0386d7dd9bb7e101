"""A binarized multilayer perceptron."""

from __future__ import annotations

import itertools
import math
from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

from bnnlab.layers import QLinear
from bnnlab.models.binarization import Binarization, QuantizerFactory, is_binarized
from bnnlab.models.registry import register_model


@register_model("mlp")
class MLP(nn.Module):
    """Flatten, then ``Linear -> BatchNorm1d`` blocks and a linear classifier.

    The sign sits in the next layer's input quantizer, so BatchNorm comes right
    before it, as in Hubara et al. (2016). Layers (names ``fc1`` ... ``classifier``)
    are binarized but for the first and last, unless ``binarize_first`` /
    ``binarize_last``.

    Args:
        input_shape: shape of one sample, e.g. ``(1, 8, 8)``.
        num_classes: number of outputs.
        quantizer: factory of the activation (and weight) quantizer.
        hidden_sizes: widths of the hidden layers.
        weight_quantizer, weight_scale, fp_activation: see ``Binarization``.
    """

    def __init__(
        self,
        input_shape: Sequence[int],
        num_classes: int,
        quantizer: QuantizerFactory,
        hidden_sizes: Sequence[int] = (256, 256),
        weight_quantizer: QuantizerFactory | None = None,
        binarize_first: bool = False,
        binarize_last: bool = False,
        weight_scale: bool | str = False,
        fp_activation: str = "hardtanh",
    ) -> None:
        super().__init__()
        binarization = Binarization(quantizer, weight_quantizer, weight_scale, fp_activation)
        sizes = [math.prod(input_shape), *hidden_sizes, num_classes]
        count = len(sizes) - 1
        layers: OrderedDict[str, nn.Module] = OrderedDict(flatten=nn.Flatten())
        for index, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
            last = index == count - 1
            binarized = is_binarized(index, count, binarize_first, binarize_last)
            layer = QLinear(fan_in, fan_out, bias=last, **binarization.layer_kwargs(binarized))
            if index > 0:
                layers[f"act{index + 1}"] = binarization.input_activation(layer)
            layers["classifier" if last else f"fc{index + 1}"] = layer
            if not last:
                layers[f"bn{index + 1}"] = nn.BatchNorm1d(fan_out)
        self.layers = nn.Sequential(layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)
