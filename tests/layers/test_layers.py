"""Quantized layers against hand-built references: binarize, then the plain torch op."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from bnnlab.errors import ConfigValueError
from bnnlab.layers import QActivation, QConv1d, QConv2d, QLinear
from bnnlab.quantizers import Identity, Sign, SwishSign


def ste_sign(x: torch.Tensor) -> torch.Tensor:
    """Reference binarization: +1/-1 forward, identity gradient (no cancellation)."""
    hard = torch.where(x >= 0, 1.0, -1.0).to(x.dtype)
    return x + (hard - x).detach()


def leaf(*shape: int) -> torch.Tensor:
    return torch.randn(*shape, dtype=torch.float64, requires_grad=True)


def copy_leaf(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.detach().clone().requires_grad_(True)


def check_against_reference(layer, x, reference_fn):
    """Forward, input gradient and weight gradient of ``layer`` equal the reference's."""
    layer = layer.double()
    upstream = None
    out = layer(x)
    upstream = torch.randn_like(out)
    out.backward(upstream)
    x_ref, w_ref = copy_leaf(x), copy_leaf(layer.weight)
    expected = reference_fn(x_ref, w_ref)
    expected.backward(upstream)
    torch.testing.assert_close(out, expected)
    torch.testing.assert_close(x.grad, x_ref.grad)
    torch.testing.assert_close(layer.weight.grad, w_ref.grad)


def per_channel_scale(weight: torch.Tensor) -> torch.Tensor:
    return weight.abs().mean(dim=tuple(range(1, weight.dim())), keepdim=True)


@pytest.mark.parametrize("scale", [False, True])
def test_qlinear_binarized_matches_reference(scale):
    layer = QLinear(
        6, 4, input_quantizer=Sign(None), weight_quantizer=Sign(None), weight_scale=scale
    )
    bias = layer.bias.detach().double()

    def reference(x, w):
        binary_w = ste_sign(w) * (per_channel_scale(w) if scale else 1)
        return F.linear(ste_sign(x), binary_w, bias)

    check_against_reference(layer, leaf(5, 6), reference)


def test_qlinear_full_precision_is_nn_linear():
    layer = QLinear(6, 4, bias=False)
    check_against_reference(layer, leaf(5, 6), lambda x, w: F.linear(x, w))
    assert not layer.has_binary_inputs and not layer.has_binary_weights


def test_input_and_weight_quantizers_are_independent():
    layer = QLinear(6, 4, bias=False, input_quantizer=Identity(), weight_quantizer=Sign(None))
    check_against_reference(layer, leaf(3, 6), lambda x, w: F.linear(x, ste_sign(w)))
    assert layer.has_binary_weights and not layer.has_binary_inputs
    assert isinstance(layer.input_quantizer, QActivation)


@pytest.mark.parametrize("pad_value", [-1.0, 0.0, 1.0])
@pytest.mark.parametrize("scale", [False, True])
def test_qconv2d_binarized_matches_reference(pad_value, scale):
    layer = QConv2d(
        3,
        5,
        3,
        stride=2,
        padding=1,
        bias=False,
        input_quantizer=Sign(None),
        weight_quantizer=Sign(None),
        weight_scale=scale,
        pad_value=pad_value,
    )

    def reference(x, w):
        padded = F.pad(ste_sign(x), (1, 1, 1, 1), value=pad_value)
        binary_w = ste_sign(w) * (per_channel_scale(w) if scale else 1)
        return F.conv2d(padded, binary_w, stride=2)

    check_against_reference(layer, leaf(2, 3, 7, 7), reference)


def test_pad_value_reaches_the_border():
    layer = QConv2d(1, 1, 3, padding=1, bias=False, input_quantizer=Sign(), pad_value=-1.0)
    with torch.no_grad():
        layer.weight.fill_(1.0)
    out = layer(torch.ones(1, 1, 4, 4))
    # a corner sees 4 inputs (+1) and 5 pads (-1); the centre sees 9 inputs
    assert out[0, 0, 0, 0].item() == -1.0 and out[0, 0, 1, 1].item() == 9.0


@pytest.mark.parametrize("padding", [2, "same"])
def test_qconv1d_binarized_matches_reference(padding):
    layer = QConv1d(
        2,
        3,
        5,
        padding=padding,
        input_quantizer=SwishSign(),
        weight_quantizer=Sign(None),
        pad_value=-1.0,
    )
    bias = layer.bias.detach().double()
    quantizer = SwishSign()

    def reference(x, w):
        return F.conv1d(F.pad(quantizer(x), (2, 2), value=-1.0), ste_sign(w), bias)

    check_against_reference(layer, leaf(4, 2, 11), reference)


def test_qactivation_applies_its_quantizer():
    activation = QActivation(SwishSign(beta=2.0))
    x = leaf(10)
    out = activation(x)
    out.sum().backward()
    torch.testing.assert_close(out, torch.where(x >= 0, 1.0, -1.0).double())
    torch.testing.assert_close(x.grad, SwishSign(beta=2.0).derivative(x.detach()))
    assert activation.is_binary


@pytest.mark.parametrize("pad_value", [0.5, 2, "x"])
def test_bad_pad_value_is_refused(pad_value):
    with pytest.raises(ConfigValueError, match="pad_value"):
        QConv2d(1, 1, 3, pad_value=pad_value)
