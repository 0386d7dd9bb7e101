"""Quantized 1d and 2d convolutions."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from bnnlab.layers.quantized import QuantizedLayer
from bnnlab.quantizers import Quantizer
from bnnlab.validation import one_of

PAD_VALUES = (-1.0, 0.0, 1.0)


class _QConvNd(QuantizedLayer):
    """The convolution on quantized inputs and weights, with a configurable pad value.

    Zero padding puts a value that is neither -1 nor +1 around a binarized input;
    ``pad_value=-1`` (or ``+1``) keeps the padded input binary, as larq and
    Bi-Real Net's implementation allow. Padding happens after input quantization.
    """

    conv_fn: Callable[..., torch.Tensor]
    pad_value: float

    def init_padding(self, pad_value: float) -> None:
        self.pad_value = float(one_of("pad_value", pad_value, PAD_VALUES))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.input_quantizer(x)
        padding = self.padding
        if self.pad_value != 0.0 and self.padding_mode == "zeros" and any(padding):
            x = F.pad(x, self._reversed_padding_repeated_twice, value=self.pad_value)
            padding = 0
        weight = self.quantized_weight()
        return self.conv_fn(x, weight, self.bias, self.stride, padding, self.dilation, self.groups)


def _conv_kwargs(stride, padding, dilation, groups, bias, padding_mode) -> dict:
    return dict(
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        bias=bias,
        padding_mode=padding_mode,
    )


class QConv2d(_QConvNd, nn.Conv2d):
    """``nn.Conv2d`` on quantized inputs with quantized weights (see ``QuantizedLayer``)."""

    conv_fn = staticmethod(F.conv2d)

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        input_quantizer: Quantizer | None = None,
        weight_quantizer: Quantizer | None = None,
        weight_scale: bool | str = False,
        pad_value: float = 0.0,
    ) -> None:
        nn.Conv2d.__init__(
            self,
            in_channels,
            out_channels,
            kernel_size,
            **_conv_kwargs(stride, padding, dilation, groups, bias, padding_mode),
        )
        self.init_quantization(input_quantizer, weight_quantizer, weight_scale)
        self.init_padding(pad_value)


class QConv1d(_QConvNd, nn.Conv1d):
    """``nn.Conv1d`` on quantized inputs with quantized weights (see ``QuantizedLayer``)."""

    conv_fn = staticmethod(F.conv1d)

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int],
        stride: int | tuple[int] = 1,
        padding: int | tuple[int] | str = 0,
        dilation: int | tuple[int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        input_quantizer: Quantizer | None = None,
        weight_quantizer: Quantizer | None = None,
        weight_scale: bool | str = False,
        pad_value: float = 0.0,
    ) -> None:
        nn.Conv1d.__init__(
            self,
            in_channels,
            out_channels,
            kernel_size,
            **_conv_kwargs(stride, padding, dilation, groups, bias, padding_mode),
        )
        self.init_quantization(input_quantizer, weight_quantizer, weight_scale)
        self.init_padding(pad_value)
