"""Every model, forward and backward, with every quantizer."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from bnnlab.errors import ConfigValueError
from bnnlab.layers import QuantizedLayer
from bnnlab.models import MODELS, create_model
from bnnlab.quantizers import QUANTIZERS, Sign, SwishSign

SHAPES = {"mlp": (1, 8, 8), "cnn": (1, 8, 8)}


def quantized_layers(model: nn.Module) -> list[QuantizedLayer]:
    return [module for module in model.modules() if isinstance(module, QuantizedLayer)]


@pytest.mark.parametrize("quantizer", list(QUANTIZERS))
@pytest.mark.parametrize("name", list(MODELS))
def test_forward_and_backward(name, quantizer):
    model = create_model(
        name, input_shape=SHAPES[name], num_classes=10, quantizer=QUANTIZERS[quantizer]
    )
    x = torch.randn(16, *SHAPES[name])
    logits = model(x)
    assert logits.shape == (16, 10)
    nn.functional.cross_entropy(logits, torch.randint(0, 10, (16,))).backward()
    for parameter_name, parameter in model.named_parameters():
        assert parameter.grad is not None, parameter_name
        assert torch.isfinite(parameter.grad).all(), parameter_name
        assert parameter.grad.abs().sum() > 0, parameter_name
    layers = quantized_layers(model)
    binary = quantizer != "fp"
    # first and last layers stay full precision; every layer between is binarized
    assert not layers[0].has_binary_weights and not layers[-1].has_binary_weights
    assert all(layer.has_binary_weights == binary for layer in layers[1:-1])
    assert all(layer.has_binary_inputs == binary for layer in layers[1:-1])


@pytest.mark.parametrize("name", list(MODELS))
def test_first_and_last_layer_binarized_on_request(name):
    model = create_model(
        name,
        input_shape=SHAPES[name],
        num_classes=10,
        quantizer=SwishSign,
        binarize_first=True,
        binarize_last=True,
    )
    assert all(layer.has_binary_weights for layer in quantized_layers(model))


@pytest.mark.parametrize("name", list(MODELS))
def test_separate_weight_quantizer(name):
    model = create_model(
        name, input_shape=SHAPES[name], num_classes=10, quantizer=SwishSign, weight_quantizer=Sign
    )
    hidden = quantized_layers(model)[1]
    assert isinstance(hidden.weight_quantizer, Sign)
    assert isinstance(hidden.input_quantizer.quantizer, SwishSign)


def test_binarized_mlp_has_batchnorm_right_before_each_sign():
    model = create_model("mlp", input_shape=(1, 8, 8), num_classes=10, quantizer=SwishSign)
    names = [name for name, _ in model.layers.named_children()]
    assert names == ["flatten", "fc1", "bn1", "act2", "fc2", "bn2", "act3", "classifier"]
    # the sign lives in fc2's input quantizer: no other nonlinearity before it
    assert isinstance(model.layers.act2, nn.Identity)
    # the classifier's input is not binarized: the real nonlinearity stands in for the sign
    assert isinstance(model.layers.act3, nn.Hardtanh)


def test_full_precision_twin_is_not_linear():
    model = create_model("mlp", input_shape=(1, 8, 8), num_classes=10, quantizer=QUANTIZERS["fp"])
    assert isinstance(model.layers.act2, nn.Hardtanh)


def test_bad_fp_activation_is_refused():
    with pytest.raises(ConfigValueError, match="fp_activation='tanh'"):
        create_model(
            "mlp", input_shape=(1, 8, 8), num_classes=10, quantizer=SwishSign, fp_activation="tanh"
        )
