"""ApproxSign: the piecewise-polynomial surrogate of Bi-Real Net."""

from __future__ import annotations

import pytest
import torch

from bnnlab.quantizers import ApproxSign
from tests.quantizers.helpers import forward_backward


def test_forward_is_sign_with_zero_mapped_to_plus_one():
    y, _ = forward_backward(ApproxSign(), torch.tensor([-2.0, -0.1, -0.0, 0.0, 0.1, 2.0]))
    assert y.tolist() == [-1, -1, 1, 1, 1, 1]


def test_gradient_is_two_minus_two_abs_x_inside_the_unit_interval():
    x = torch.tensor([-1.5, -1.0, -0.75, -0.25, 0.0, 0.25, 0.5, 1.0, 2.0])
    _, grad = forward_backward(ApproxSign(), x)
    assert grad.tolist() == [0.0, 0.0, 0.5, 1.5, 2.0, 1.5, 1.0, 0.0, 0.0]


def test_gradient_integrates_to_two_and_is_the_derivative_of_the_polynomial():
    x = torch.linspace(-2, 2, 40_001, dtype=torch.float64)
    slope = ApproxSign().derivative(x)
    assert torch.trapezoid(slope, x).item() == pytest.approx(2.0, abs=1e-6)
    x_ = x.clone().requires_grad_(True)
    (autograd_slope,) = torch.autograd.grad(
        torch.where(x_ < 0, 2 * x_ + x_**2, 2 * x_ - x_**2).sum(), x_
    )
    inside = x.abs() <= 1
    torch.testing.assert_close(slope[inside], autograd_slope[inside])


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_dtype_preserved_and_finite(dtype):
    info = torch.finfo(dtype)
    x = torch.tensor([info.max, -info.max, 0.0, 0.5], dtype=dtype)
    y, grad = forward_backward(ApproxSign(), x)
    assert y.dtype == grad.dtype == dtype
    assert grad.tolist() == [0.0, 0.0, 2.0, 1.0]


def test_metadata():
    assert (ApproxSign.name, ApproxSign.bit_width) == ("approxsign", 1)
