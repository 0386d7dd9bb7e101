"""What every quantizer shares: the module interface and the sign-with-surrogate autograd op."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import torch
from torch import nn


def binary_sign(x: torch.Tensor) -> torch.Tensor:
    """``+1`` where ``x >= 0`` (``-0.0`` and ``0`` included), else ``-1``, in ``x``'s dtype.

    ``torch.sign`` maps 0 to 0, which is not a binary value; a BNN needs exactly two.
    """
    one = torch.ones((), dtype=x.dtype, device=x.device)
    return torch.where(x >= 0, one, -one)


class _SignWithSurrogateGradient(torch.autograd.Function):
    """Forward ``binary_sign(x)``; backward ``grad * derivative(x)``.

    ``derivative`` is the surrogate's derivative, computed from the saved input only on
    the backward pass, so the forward keeps nothing but ``x``.
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, derivative: Callable[[torch.Tensor], torch.Tensor]):
        ctx.save_for_backward(x)
        ctx.derivative = derivative
        return binary_sign(x)

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor):
        (x,) = ctx.saved_tensors
        return grad_output * ctx.derivative(x), None


class Quantizer(nn.Module, ABC):
    """A quantizer: an ``nn.Module`` mapping a real tensor to its quantized values.

    Subclasses set ``name`` (the registry key) and ``bit_width`` (32 for full precision)
    and implement ``quantize``. They know nothing of layers: a layer calls them on its
    weights or inputs.
    """

    name: str
    bit_width: int

    @abstractmethod
    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        """The quantized tensor, differentiable through the quantizer's gradient rule."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.quantize(x)

    @property
    def is_binary(self) -> bool:
        return self.bit_width == 1


class SurrogateSign(Quantizer):
    """A 1-bit quantizer: forward ``sign(x)`` (``sign(0) = +1``), backward
    ``grad * derivative(x)`` where ``derivative`` is the subclass's surrogate gradient."""

    bit_width = 1

    @abstractmethod
    def derivative(self, x: torch.Tensor) -> torch.Tensor:
        """The factor the backward pass multiplies the incoming gradient by, elementwise."""

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        return _SignWithSurrogateGradient.apply(x, self.derivative)
