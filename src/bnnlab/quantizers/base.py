"""What every quantizer shares: the module interface and the sign-with-surrogate autograd op."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from bnnlab.quantizers.fused import FUSION_MODES, run_fused, should_fuse
from bnnlab.validation import one_of

SAVE_DTYPES = ("bfloat16", "float16", "float32")


def binary_sign(x: torch.Tensor) -> torch.Tensor:
    """``+1`` where ``x >= 0`` (``-0.0`` and ``0`` included), else ``-1``, in ``x``'s dtype.

    ``torch.sign`` maps 0 to 0, which is not a binary value; a BNN needs exactly two.
    """
    one = torch.ones((), dtype=x.dtype, device=x.device)
    return torch.where(x >= 0, one, -one)


def _scaled_gradient(
    derivative_of: Callable[..., torch.Tensor],
    grad_output: torch.Tensor,
    x: torch.Tensor,
    *params: Any,
) -> torch.Tensor:
    # a pure function of tensors and plain numbers: compiled once per quantizer class,
    # shared by all its instances (a module argument would recompile for each layer)
    return grad_output * derivative_of(x, *params).to(grad_output.dtype)


class _SignWithSurrogateGradient(torch.autograd.Function):
    """Forward ``binary_sign(x)``; backward ``grad * quantizer.derivative(x)``.

    Saves only ``x`` (in ``quantizer.save_dtype`` if set), computing the derivative on
    the backward pass; both passes are compiled into one loop each where
    ``quantizer.fused`` says so (``bnnlab.quantizers.fused``).
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, quantizer: SurrogateSign):
        ctx.quantizer = quantizer
        fuse = should_fuse(quantizer.fused, x)
        ctx.fuse = fuse
        save_dtype = quantizer.save_dtype
        ctx.save_for_backward(x if save_dtype is None else x.to(save_dtype))
        if fuse and (out := run_fused("binary_sign", binary_sign, x)) is not None:
            return out
        return binary_sign(x)

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor):
        (x,) = ctx.saved_tensors
        quantizer = ctx.quantizer
        args = (type(quantizer).derivative_of, grad_output, x, *quantizer.derivative_params())
        if ctx.fuse:
            fused = run_fused(f"backward.{type(quantizer).__name__}", _scaled_gradient, *args)
            if fused is not None:
                return fused, None
        return _scaled_gradient(*args), None


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
    ``grad * derivative(x)`` where ``derivative`` is the subclass's surrogate gradient.

    Args:
        fused: ``"auto"`` (compile the passes for GPU tensors and tensors of 1M elements
            or more), ``"on"`` or ``"off"``; see ``bnnlab.quantizers.fused``.
        save_dtype: keep the input for the backward pass in this dtype (e.g.
            ``"bfloat16"``: half the memory of float32; the gradient then is the
            derivative at ``x`` rounded to bfloat16), or None for the input's own.
    """

    bit_width = 1

    def __init__(self, fused: str = "auto", save_dtype: str | None = None) -> None:
        super().__init__()
        self.fused = one_of("fused", fused, FUSION_MODES)
        self.save_dtype = (
            None
            if save_dtype is None
            else getattr(torch, one_of("save_dtype", save_dtype, SAVE_DTYPES))
        )

    @staticmethod
    @abstractmethod
    def derivative_of(x: torch.Tensor, *params: Any) -> torch.Tensor:
        """The surrogate's derivative at ``x`` for the quantizer's ``params``: a pure
        function, so that one compiled kernel serves every instance."""

    def derivative_params(self) -> tuple[Any, ...]:
        """The arguments of ``derivative_of`` after ``x`` (plain numbers)."""
        return ()

    def derivative(self, x: torch.Tensor) -> torch.Tensor:
        """The factor the backward pass multiplies the incoming gradient by, elementwise."""
        return self.derivative_of(x, *self.derivative_params())

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        return _SignWithSurrogateGradient.apply(x, self)
