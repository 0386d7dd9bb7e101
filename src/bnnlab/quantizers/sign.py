"""The straight-through estimator (Bengio et al., 2013; Hubara et al., 2016)."""

from __future__ import annotations

from typing import Any

import torch

from bnnlab.quantizers.base import SurrogateSign
from bnnlab.quantizers.registry import register_quantizer
from bnnlab.validation import positive_finite


@register_quantizer
class Sign(SurrogateSign):
    """Binarize with ``sign`` and pass the gradient straight through.

    Forward: ``sign(x)``, with ``sign(0) = +1``.

    Backward: the incoming gradient where ``|x| <= threshold``, else 0 ("gradient
    cancellation", Hubara et al., 2016: the derivative of ``hardtanh`` for
    ``threshold = 1``). ``threshold=None`` passes the gradient everywhere.

    Args:
        threshold: a finite number > 0, or ``None`` for no cancellation (default 1.0).
    """

    name = "sign"

    def __init__(self, threshold: float | None = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.threshold = positive_finite("threshold", threshold, allow_none=True)

    @staticmethod
    def derivative_of(x: torch.Tensor, threshold: float | None) -> torch.Tensor:
        if threshold is None:
            return torch.ones_like(x)
        return (x.abs() <= threshold).to(x.dtype)

    def derivative_params(self) -> tuple[float | None]:
        return (self.threshold,)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}"
