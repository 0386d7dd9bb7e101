"""SwishSign, the quantizer of BNN+ (Darabi et al., 2018, arXiv:1812.11800)."""

from __future__ import annotations

from typing import Any

import torch

from bnnlab.quantizers.base import SurrogateSign
from bnnlab.quantizers.registry import register_quantizer
from bnnlab.validation import positive_finite


@register_quantizer
class SwishSign(SurrogateSign):
    r"""Binarize with ``sign`` and back-propagate through the SwishSign surrogate.

    Forward: ``sign(x)``, with ``sign(0) = +1``.

    Backward: the incoming gradient times the derivative of
    ``SS_β(x) = 2σ(βx)(1 + βx(1 - σ(βx))) - 1``::

        dSS/dx = 2β σ(βx) σ(-βx) (2 - βx tanh(βx/2))

    It peaks at ``β`` for ``x = 0``, turns negative for ``|x| > ~2.4/β`` and integrates
    to 2 over the real line, like the straight-through estimator. Larger ``β`` sharpens
    it towards the true (zero almost everywhere) gradient of sign.

    Numerics: ``σ(βx)σ(-βx)`` and ``tanh(βx/2)`` replace ``1 + cosh βx`` (which overflows)
    and ``s(1 - s)`` (which cancels in the tails); half-precision inputs are computed in
    float32. No finite input gives NaN or inf; where ``βx`` overflows the true value
    underflows, and the gradient is 0.

    Args:
        beta: sharpness β, a finite number > 0 (default 5.0, the paper's choice).
    """

    name = "swishsign"

    def __init__(self, beta: float = 5.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.beta = positive_finite("beta", beta)

    def surrogate(self, x: torch.Tensor) -> torch.Tensor:
        """The smooth function ``SS_β(x)`` whose derivative the backward pass uses."""
        bx = _scaled(x, self.beta)
        return (2 * torch.sigmoid(bx) * (1 + bx * torch.sigmoid(-bx)) - 1).to(x.dtype)

    @staticmethod
    def derivative_of(x: torch.Tensor, beta: float) -> torch.Tensor:
        bx = _scaled(x, beta)
        bell = torch.sigmoid(bx) * torch.sigmoid(-bx)
        slope = 2 * beta * bell * (2 - bx * torch.tanh(bx / 2))
        # βx = ±inf would give 0 * inf = NaN; the exact value there is 0.
        return torch.where(torch.isinf(bx), 0.0, slope).to(x.dtype)

    def derivative_params(self) -> tuple[float]:
        return (self.beta,)

    def extra_repr(self) -> str:
        return f"beta={self.beta}"


def _scaled(x: torch.Tensor, beta: float) -> torch.Tensor:
    """``βx``, computed in at least float32 (half-precision inputs lose the tails)."""
    return beta * x.to(torch.promote_types(x.dtype, torch.float32))
