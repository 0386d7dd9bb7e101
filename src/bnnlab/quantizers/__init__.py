"""Quantizers: one file each, all registered by name (``get_quantizer("swishsign")``)."""

from bnnlab.quantizers.approxsign import ApproxSign
from bnnlab.quantizers.base import Quantizer, SurrogateSign, binary_sign
from bnnlab.quantizers.identity import Identity
from bnnlab.quantizers.registry import QUANTIZERS, get_quantizer, register_quantizer
from bnnlab.quantizers.sign import Sign
from bnnlab.quantizers.swishsign import SwishSign

__all__ = [
    "QUANTIZERS",
    "ApproxSign",
    "Identity",
    "Quantizer",
    "Sign",
    "SurrogateSign",
    "SwishSign",
    "binary_sign",
    "get_quantizer",
    "register_quantizer",
]
