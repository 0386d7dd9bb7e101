"""Binarized layers: quantized inputs and weights in front of the usual torch ops."""

from bnnlab.layers.qactivation import QActivation
from bnnlab.layers.qconv import QConv1d, QConv2d
from bnnlab.layers.qlinear import QLinear
from bnnlab.layers.quantized import QuantizedLayer

__all__ = ["QActivation", "QConv1d", "QConv2d", "QLinear", "QuantizedLayer"]
