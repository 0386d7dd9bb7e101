"""Every model, forward and backward, with every quantizer."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from bnnlab.errors import ConfigValueError
from bnnlab.layers import QuantizedLayer
from bnnlab.models import MODELS, create_model
from bnnlab.quantizers import QUANTIZERS, Sign, SwishSign

SHAPES = {"mlp": (1, 8, 8), "cnn": (1, 8, 8), "vgg_small": (3, 32, 32), "resnet18": (3, 32, 32)}
BINARIZED_LAYERS = {"mlp": 1, "cnn": 2, "vgg_small": 5, "resnet18": 16}


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
    # first and last layers stay full precision; the model's binarized layers binarize
    # both weights and inputs
    assert not layers[0].has_binary_weights and not layers[-1].has_binary_weights
    binarized = [layer for layer in layers if layer.has_binary_weights]
    assert len(binarized) == (0 if quantizer == "fp" else BINARIZED_LAYERS[name])
    assert all(layer.has_binary_inputs for layer in binarized)


@pytest.mark.parametrize("name", ["mlp", "cnn", "vgg_small"])
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
    hidden = next(layer for layer in quantized_layers(model) if layer.has_binary_weights)
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


def test_parameter_counts_of_the_cifar_models():
    def count(name):
        model = create_model(name, input_shape=(3, 32, 32), num_classes=10, quantizer=SwishSign)
        return sum(p.numel() for p in model.parameters())

    # VGG-small: 6 convs (3*128, 128*128, 128*256, 256*256, 256*512, 512*512, x9) + 8192*10 FC
    convs = 9 * (3 * 128 + 128 * 128 + 128 * 256 + 256 * 256 + 256 * 512 + 512 * 512)
    batch_norms = 2 * (128 + 128 + 256 + 256 + 512 + 512)
    assert count("vgg_small") == convs + batch_norms + 8192 * 10 + 10
    # ResNet-18 on CIFAR: about 11.2M, like the full-precision ResNet-18
    assert 11.0e6 < count("resnet18") < 11.4e6


def test_bireal_unit_adds_a_real_shortcut_around_each_binary_conv():
    model = create_model("resnet18", input_shape=(3, 32, 32), num_classes=10, quantizer=Sign)
    unit = model.units[0]
    x = torch.randn(2, 64, 8, 8)
    expected = unit.bn(unit.conv(x)) + x
    torch.testing.assert_close(unit(x), expected)
    downsample = model.units[4]  # first unit of stage 2: stride 2, 64 -> 128 channels
    assert downsample.conv.stride == (2, 2) and downsample(x).shape == (2, 128, 4, 4)


def test_learned_weight_scale_and_its_regularizer():
    model = create_model(
        "vgg_small",
        input_shape=(3, 32, 32),
        num_classes=10,
        quantizer=SwishSign,
        weight_scale="learned",
    )
    layer = next(layer for layer in quantized_layers(model) if layer.has_binary_weights)
    torch.testing.assert_close(layer.scale, layer.weight_scale_factor())
    torch.testing.assert_close(
        layer.quantized_weight(), torch.where(layer.weight >= 0, 1.0, -1.0) * layer.scale
    )
    gap = layer.scale - layer.weight.abs()
    torch.testing.assert_close(layer.scale_regularization("l1"), gap.abs().mean())
    torch.testing.assert_close(layer.scale_regularization("l2"), gap.pow(2).mean())
