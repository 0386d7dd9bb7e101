"""A small binarized convolutional network for small images (digits, MNIST)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

from bnnlab.layers import QConv2d, QLinear
from bnnlab.models.binarization import Binarization, QuantizerFactory, is_binarized
from bnnlab.models.registry import register_model


@register_model("cnn")
class SmallCNN(nn.Module):
    """``Conv3x3 -> [MaxPool2] -> BatchNorm2d`` blocks, then a linear classifier.

    Every conv but the first halves the resolution with max pooling before its
    BatchNorm (pooling a binarized net's pre-activations, then normalising, then the
    sign in the next layer: the order of Hubara et al., 2016). First conv and classifier
    stay full precision unless asked.

    Args:
        input_shape: ``(channels, height, width)`` of one sample.
        num_classes: number of outputs.
        quantizer: factory of the activation (and weight) quantizer.
        channels: output channels of each conv.
        weight_quantizer, weight_scale, fp_activation, pad_value: see ``Binarization``.
    """

    def __init__(
        self,
        input_shape: Sequence[int],
        num_classes: int,
        quantizer: QuantizerFactory,
        channels: Sequence[int] = (32, 64, 128),
        weight_quantizer: QuantizerFactory | None = None,
        binarize_first: bool = False,
        binarize_last: bool = False,
        weight_scale: bool = False,
        fp_activation: str = "hardtanh",
        pad_value: float = 0.0,
    ) -> None:
        super().__init__()
        binarization = Binarization(
            quantizer, weight_quantizer, weight_scale, fp_activation, pad_value
        )
        in_channels, height, width = input_shape
        count = len(channels) + 1  # the classifier is the last layer
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for index, out_channels in enumerate(channels):
            binarized = is_binarized(index, count, binarize_first, binarize_last)
            conv = QConv2d(
                in_channels,
                out_channels,
                kernel_size=3,
                padding=1,
                bias=False,
                **binarization.layer_kwargs(binarized, conv=True),
            )
            name = f"{index + 1}"
            if index > 0:
                layers[f"act{name}"] = binarization.input_activation(conv)
            layers[f"conv{name}"] = conv
            if index > 0 and min(height, width) >= 2:
                layers[f"pool{name}"] = nn.MaxPool2d(2)
                height, width = height // 2, width // 2
            layers[f"bn{name}"] = nn.BatchNorm2d(out_channels)
            in_channels = out_channels
        classifier = QLinear(
            in_channels * height * width,
            num_classes,
            **binarization.layer_kwargs(binarize_last),
        )
        layers["flatten"] = nn.Flatten()
        layers[f"act{count}"] = binarization.input_activation(classifier)
        layers["classifier"] = classifier
        self.layers = nn.Sequential(layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)
