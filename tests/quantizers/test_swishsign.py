"""SwishSign against its closed form (DESIGN.md), computed independently here."""

from __future__ import annotations

import math

import pytest
import torch

from bnnlab.errors import ConfigValueError
from bnnlab.quantizers import SwishSign

DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def closed_form(x: float, beta: float) -> float:
    """dSS/dx = β(2 - βx·tanh(βx/2)) / (1 + cosh βx), straight from the paper."""
    bx = beta * x
    if abs(bx) > 700:  # cosh overflows a float64; the value is 0 to double precision
        return 0.0
    return beta * (2 - bx * math.tanh(bx / 2)) / (1 + math.cosh(bx))


def backward(quantizer: SwishSign, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    x = x.detach().clone().requires_grad_(True)
    y = quantizer(x)
    y.backward(torch.ones_like(y))
    return y.detach(), x.grad


POINTS = [-1.5, -1.0, -0.3, 0.0, 0.3, 1.0, 1.5]


def test_values_and_gradients_at_fixed_points():
    y, grad = backward(SwishSign(beta=5.0), torch.tensor(POINTS, dtype=torch.float64))
    assert y.tolist() == [-1.0, -1.0, -1.0, 1.0, 1.0, 1.0, 1.0]
    expected = [closed_form(x, 5.0) for x in POINTS]
    torch.testing.assert_close(grad, torch.tensor(expected, dtype=torch.float64))
    # the same numbers, worked out by hand once: the curve is even, positive near 0,
    # negative beyond |x| ~ 2.4/β = 0.48
    assert grad[3].item() == pytest.approx(5.0)
    assert grad[4].item() == pytest.approx(1.56197, abs=1e-5)
    assert grad[5].item() == pytest.approx(-0.19499, abs=1e-5)
    assert grad[6].item() == pytest.approx(-0.03034, abs=1e-5)
    torch.testing.assert_close(grad, grad.flip(0))


@pytest.mark.parametrize("beta", [0.5, 1.0, 5.0, 10.0, 37.5])
def test_gradient_at_zero_equals_beta(beta):
    _, grad = backward(SwishSign(beta), torch.zeros(3))
    torch.testing.assert_close(grad, torch.full((3,), beta))


@pytest.mark.parametrize("beta", [1.0, 5.0, 10.0])
def test_shape_of_the_derivative(beta):
    quantizer = SwishSign(beta)
    x = torch.linspace(-60 / beta, 60 / beta, 400_001, dtype=torch.float64)
    slope = quantizer.derivative(x)
    assert slope.max().item() == pytest.approx(beta)
    assert x[slope.argmax()].item() == pytest.approx(0.0, abs=1e-3)
    # integrates to 2, like the STE's box on [-1, 1]
    assert torch.trapezoid(slope, x).item() == pytest.approx(2.0, abs=1e-6)
    # negative exactly beyond the root of 2 = βx·tanh(βx/2), βx ≈ 2.3994
    root = 2.399357 / beta
    assert (slope[x.abs() > root * 1.001] < 0).all()
    assert (slope[x.abs() < root * 0.999] > 0).all()


def test_sign_of_zero_is_plus_one():
    y, _ = backward(SwishSign(), torch.tensor([0.0, -0.0, 1e-30, -1e-30]))
    assert y.tolist() == [1.0, 1.0, 1.0, -1.0]


@pytest.mark.parametrize("beta", [0.7, 5.0, 12.0])
def test_backward_is_the_derivative_of_ss_beta_by_autograd(beta):
    quantizer = SwishSign(beta)
    x = torch.linspace(-4, 4, 2001, dtype=torch.float64, requires_grad=True)
    (autograd_slope,) = torch.autograd.grad(quantizer.surrogate(x).sum(), x)
    _, grad = backward(quantizer, x)
    torch.testing.assert_close(grad, autograd_slope, rtol=1e-12, atol=1e-12)
    # SS_β itself: odd, tends to ±1, with the overshoot of the paper's figure
    ss = quantizer.surrogate(x.detach())
    torch.testing.assert_close(ss, -ss.flip(0))
    tail = quantizer.surrogate(torch.tensor([-50 / beta, 50 / beta], dtype=torch.float64))
    torch.testing.assert_close(tail, torch.tensor([-1.0, 1.0], dtype=torch.float64))
    assert ss.max().item() > 1.0


def test_upstream_gradient_is_multiplied_elementwise():
    quantizer = SwishSign(3.0)
    x = torch.randn(64, dtype=torch.float64, requires_grad=True)
    upstream = torch.randn(64, dtype=torch.float64)
    quantizer(x).backward(upstream)
    expected = upstream * torch.tensor([closed_form(v, 3.0) for v in x.tolist()])
    torch.testing.assert_close(x.grad, expected.to(torch.float64))


def edge_inputs(dtype: torch.dtype) -> torch.Tensor:
    info = torch.finfo(dtype)
    values = [0.0, -0.0, info.tiny, -info.tiny, info.eps, 0.1, -0.3, 0.48, 1.0, -2.0]
    values += [10.0, -100.0, 1e3, info.max / 2, info.max, -info.max]
    return torch.tensor(values, dtype=torch.float64).to(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("beta", [0.1, 5.0, 1e3])
def test_finite_and_accurate_in_every_dtype(dtype, beta):
    x = torch.cat([edge_inputs(dtype), (torch.randn(4096) * 3).to(dtype)])
    y, grad = backward(SwishSign(beta), x)
    assert y.dtype == dtype and grad.dtype == dtype
    assert torch.isfinite(grad).all(), grad[~torch.isfinite(grad)]
    assert set(y.unique().tolist()) <= {-1.0, 1.0}
    reference = torch.tensor(
        [closed_form(v, beta) for v in x.double().tolist()], dtype=torch.float64
    )
    resolution = torch.finfo(dtype).eps * beta
    torch.testing.assert_close(
        grad.double(), reference, rtol=4 * torch.finfo(dtype).eps, atol=4 * resolution
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_large_beta_times_x_gives_zero_gradient(dtype):
    x = torch.tensor([200.0, -200.0, 3e4, -6e4], dtype=dtype)
    _, grad = backward(SwishSign(beta=1e3), x)
    assert grad.abs().max().item() == 0.0


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
def test_dtype_and_device_preserved(device):
    x = torch.randn(5, 7, dtype=torch.float64, device=device)
    y, grad = backward(SwishSign(), x)
    assert (y.dtype, y.device, y.shape) == (x.dtype, x.device, x.shape)
    assert (grad.dtype, grad.device, grad.shape) == (x.dtype, x.device, x.shape)


@pytest.mark.parametrize("beta", [0, 0.0, -1, -1e-9, float("nan"), float("inf"), "abc", None, True])
def test_bad_beta_is_refused_with_key_and_value(beta):
    with pytest.raises(ConfigValueError) as error:
        SwishSign(beta)
    assert "beta" in str(error.value) and repr(beta) in str(error.value)
    assert "finite number > 0" in str(error.value)


def test_metadata():
    quantizer = SwishSign(beta=10)
    assert (quantizer.name, quantizer.bit_width, quantizer.beta) == ("swishsign", 1, 10.0)
    assert "beta=10.0" in repr(quantizer)
