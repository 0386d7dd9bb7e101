"""Binarized ResNet-18 in the Bi-Real Net / ResNetE style."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from bnnlab.layers import QConv2d, QLinear
from bnnlab.models.binarization import Binarization, QuantizerFactory
from bnnlab.models.registry import register_model


class BiRealUnit(nn.Module):
    """``BN(QConv3x3(sign(x))) + shortcut(x)``: one binary conv with its own real-valued
    shortcut (Liu et al., 2018), so real activations flow around every binary conv.

    Where the unit halves the resolution or widens the channels, the shortcut is
    ``AvgPool2x2 -> Conv1x1 -> BN`` in full precision (Bi-Real Net's downsampling).
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: int, binarization: Binarization
    ) -> None:
        super().__init__()
        self.conv = QConv2d(
            in_channels,
            out_channels,
            kernel_size=3,
            stride=stride,
            padding=1,
            bias=False,
            **binarization.layer_kwargs(True, conv=True),
        )
        self.act = binarization.input_activation(self.conv)
        self.bn = nn.BatchNorm2d(out_channels)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.AvgPool2d(kernel_size=stride) if stride > 1 else nn.Identity(),
                QConv2d(in_channels, out_channels, kernel_size=1, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.conv(self.act(x))) + self.shortcut(x)


@register_model("resnet18")
class BiRealResNet18(nn.Module):
    """ResNet-18 with binary 3x3 convs (Bi-Real Net-18 / ResNetE-18): stem and classifier
    in full precision, 4 stages of 2 basic blocks, each block two ``BiRealUnit``s.

    Args:
        input_shape: ``(channels, height, width)``; inputs of at most 64 pixels get the
            CIFAR stem (3x3 conv, stride 1), larger ones the ImageNet stem (7x7 conv,
            stride 2, max pooling).
        num_classes: number of outputs.
        quantizer: factory of the activation (and weight) quantizer.
        widths: channels of the 4 stages.
        weight_quantizer, weight_scale, fp_activation, pad_value: see ``Binarization``.
    """

    def __init__(
        self,
        input_shape: Sequence[int],
        num_classes: int,
        quantizer: QuantizerFactory,
        widths: Sequence[int] = (64, 128, 256, 512),
        blocks_per_stage: int = 2,
        weight_quantizer: QuantizerFactory | None = None,
        weight_scale: bool | str = False,
        fp_activation: str = "hardtanh",
        pad_value: float = 0.0,
    ) -> None:
        super().__init__()
        binarization = Binarization(
            quantizer, weight_quantizer, weight_scale, fp_activation, pad_value
        )
        in_channels, height, _ = input_shape
        if height <= 64:
            self.stem = nn.Sequential(
                QConv2d(in_channels, widths[0], kernel_size=3, padding=1, bias=False),
                nn.BatchNorm2d(widths[0]),
            )
        else:
            self.stem = nn.Sequential(
                QConv2d(in_channels, widths[0], kernel_size=7, stride=2, padding=3, bias=False),
                nn.BatchNorm2d(widths[0]),
                nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
            )
        units, channels = [], widths[0]
        for stage, width in enumerate(widths):
            for block in range(blocks_per_stage):
                for unit in range(2):  # a basic block: two 3x3 convs
                    stride = 2 if stage > 0 and block == 0 and unit == 0 else 1
                    units.append(BiRealUnit(channels, width, stride, binarization))
                    channels = width
        self.units = nn.Sequential(*units)
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.classifier = QLinear(channels, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.pool(self.units(self.stem(x))))
