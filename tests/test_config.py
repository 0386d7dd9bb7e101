"""Every option of every config group composes and builds its objects."""

from __future__ import annotations

import hydra
import pytest
import torch

from bnnlab.instantiate import instantiate_group, instantiate_node, instantiate_quantizer
from tests.conftest import CONFIG_DIR


def options(group: str) -> list[str]:
    return sorted(path.stem for path in (CONFIG_DIR / group).glob("*.yaml"))


def test_defaults_build_every_component(compose_config):
    cfg = compose_config()
    quantizer = instantiate_quantizer(cfg, "quantizer")
    assert quantizer().name == "swishsign" and quantizer().beta == 5.0
    datamodule = instantiate_node(cfg, "datamodule")
    model = instantiate_node(
        cfg, "model", input_shape=(1, 8, 8), num_classes=10, quantizer=quantizer
    )
    instantiate_node(cfg, "module", model=model, num_classes=10)
    callbacks = {type(callback).__name__ for callback in instantiate_group(cfg, "callbacks")}
    assert callbacks == {
        "ModelCheckpoint",
        "OnExceptionCheckpoint",
        "RichProgressBar",
        "LearningRateMonitor",
        "ParameterGradientHistograms",
        "QuantizerGradientHistograms",
        "WeightFlipRatio",
        "ModelSummary",
    }
    assert len(instantiate_group(cfg, "logger")) == 2
    assert datamodule.num_classes == 10


@pytest.mark.parametrize("group", ["quantizer", "model", "datamodule"])
def test_every_option_builds(compose_config, group):
    for option in options(group):
        cfg = compose_config(f"{group}={option}")
        quantizer = instantiate_quantizer(cfg, "quantizer")
        datamodule = instantiate_node(cfg, "datamodule")
        instantiate_node(
            cfg,
            "model",
            input_shape=datamodule.input_shape,
            num_classes=datamodule.num_classes,
            quantizer=quantizer,
        )


@pytest.mark.parametrize("group", ["trainer", "callbacks", "logger"])
def test_every_option_composes(compose_config, group):
    for option in options(group):
        cfg = compose_config(f"{group}={option}")
        if group == "trainer":
            assert cfg.trainer._target_ == "lightning.pytorch.Trainer"
        else:
            instantiate_group(cfg, group)


def test_quantizer_beta_override(compose_config):
    cfg = compose_config("quantizer.beta=10")
    assert instantiate_quantizer(cfg, "quantizer")().beta == 10.0


def test_weight_quantizer_group(compose_config):
    cfg = compose_config("quantizer@weight_quantizer=sign")
    assert instantiate_quantizer(cfg, "weight_quantizer")().name == "sign"
    assert compose_config().get("weight_quantizer") is None


def test_sgd_and_constant_learning_rate(compose_config):
    cfg = compose_config("module/optimizer=sgd", "module/scheduler=constant")
    module = hydra.utils.instantiate(cfg.module, model=torch.nn.Linear(2, 2), num_classes=10)
    optimizer = module.configure_optimizers()["lr_scheduler"]["scheduler"].optimizer
    assert isinstance(optimizer, torch.optim.SGD) and optimizer.param_groups[0]["lr"] == 0.1
