"""Plain binarized convolutional networks: a small CNN and VGG-small."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

from bnnlab.layers import QConv1d, QConv2d, QLinear
from bnnlab.models.binarization import Binarization, QuantizerFactory, is_binarized
from bnnlab.models.registry import register_model

# the ops of a conv net over 1 (sequences) or 2 (images) spatial dims
OPS = {
    1: (QConv1d, nn.MaxPool1d, nn.BatchNorm1d),
    2: (QConv2d, nn.MaxPool2d, nn.BatchNorm2d),
}


class ConvNet(nn.Module):
    """``Conv3 -> [MaxPool2] -> BatchNorm`` blocks, then a linear classifier, over
    sequences (``input_shape = (channels, length)``, 1d ops) or images
    (``(channels, height, width)``, 2d ops).

    Pooling comes before BatchNorm, and the sign in the next layer's input quantizer
    after it: the order of Hubara et al. (2016). First conv and classifier stay full
    precision unless asked. Layers are named ``conv1``, ``pool1``, ``bn1``, ...,
    ``classifier``.

    Args:
        input_shape: ``(channels, length)`` or ``(channels, height, width)`` of one sample.
        num_classes: number of outputs.
        quantizer: factory of the activation (and weight) quantizer.
        channels: output channels of each conv.
        pool_after: for each conv, whether a max pooling by 2 follows it.
        weight_quantizer, weight_scale, fp_activation, pad_value: see ``Binarization``.
    """

    def __init__(
        self,
        input_shape: Sequence[int],
        num_classes: int,
        quantizer: QuantizerFactory,
        channels: Sequence[int],
        pool_after: Sequence[bool],
        weight_quantizer: QuantizerFactory | None = None,
        binarize_first: bool = False,
        binarize_last: bool = False,
        weight_scale: bool | str = False,
        fp_activation: str = "hardtanh",
        pad_value: float = 0.0,
    ) -> None:
        super().__init__()
        if len(pool_after) != len(channels):
            raise ValueError(f"pool_after has {len(pool_after)} entries for {len(channels)} convs")
        binarization = Binarization(
            quantizer, weight_quantizer, weight_scale, fp_activation, pad_value
        )
        in_channels, *spatial = input_shape
        if len(spatial) not in OPS:
            raise ValueError(f"input_shape {tuple(input_shape)}: expected (C, L) or (C, H, W)")
        conv_class, pool_class, norm_class = OPS[len(spatial)]
        count = len(channels) + 1  # the classifier is the last layer
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for index, (out_channels, pool) in enumerate(zip(channels, pool_after, strict=True)):
            conv = conv_class(
                in_channels,
                out_channels,
                kernel_size=3,
                padding=1,
                bias=False,
                **binarization.layer_kwargs(
                    is_binarized(index, count, binarize_first, binarize_last), conv=True
                ),
            )
            name = f"{index + 1}"
            if index > 0:
                layers[f"act{name}"] = binarization.input_activation(conv)
            layers[f"conv{name}"] = conv
            if pool:
                layers[f"pool{name}"] = pool_class(2)
                spatial = [size // 2 for size in spatial]
            layers[f"bn{name}"] = norm_class(out_channels)
            in_channels = out_channels
        classifier = QLinear(
            in_channels * math.prod(spatial),
            num_classes,
            **binarization.layer_kwargs(binarize_last),
        )
        layers["flatten"] = nn.Flatten()
        layers[f"act{count}"] = binarization.input_activation(classifier)
        layers["classifier"] = classifier
        self.layers = nn.Sequential(layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


@register_model("cnn")
class SmallCNN(ConvNet):
    """A small CNN for small images (digits, MNIST) or sequences (MNIST-1D): every conv
    but the first halves the resolution while it is at least 2."""

    def __init__(
        self,
        input_shape: Sequence[int],
        num_classes: int,
        quantizer: QuantizerFactory,
        channels: Sequence[int] = (32, 64, 128),
        **kwargs,
    ) -> None:
        size, pool_after = min(input_shape[1:]), []
        for index in range(len(channels)):
            pool = index > 0 and size >= 2
            pool_after.append(pool)
            size = size // 2 if pool else size
        super().__init__(input_shape, num_classes, quantizer, channels, pool_after, **kwargs)


@register_model("vgg_small")
class VGGSmall(ConvNet):
    """VGG-small, the CIFAR-10 network of LQ-Nets (Zhang et al., 2018) used by BNN+ and
    later BNN papers: ``2x128C3 - MP2 - 2x256C3 - MP2 - 2x512C3 - MP2 - FC``."""

    def __init__(
        self,
        input_shape: Sequence[int],
        num_classes: int,
        quantizer: QuantizerFactory,
        width: int = 128,
        **kwargs,
    ) -> None:
        channels = [width, width, 2 * width, 2 * width, 4 * width, 4 * width]
        pool_after = [False, True] * 3
        super().__init__(input_shape, num_classes, quantizer, channels, pool_after, **kwargs)
