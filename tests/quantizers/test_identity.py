"""The full-precision baseline."""

from __future__ import annotations

import torch

from bnnlab.quantizers import Identity
from tests.quantizers.helpers import forward_backward


def test_forward_and_backward_are_identities():
    x = torch.randn(100, dtype=torch.float64)
    upstream = torch.randn(100, dtype=torch.float64)
    y, grad = forward_backward(Identity(), x, upstream)
    torch.testing.assert_close(y, x, rtol=0, atol=0)
    torch.testing.assert_close(grad, upstream, rtol=0, atol=0)


def test_metadata():
    quantizer = Identity()
    assert (quantizer.name, quantizer.bit_width, quantizer.is_binary) == ("fp", 32, False)
