"""The gradient instruments on real training steps of the digits models, in process."""

from __future__ import annotations

import functools

import lightning as L
import numpy as np
import pytest
import torch

from bnnlab.callbacks import (
    ParameterGradientHistograms,
    QuantizerGradientHistograms,
    WeightFlipRatio,
    read_histograms,
    read_scalars,
)
from bnnlab.data import DigitsDataModule
from bnnlab.errors import ConfigValueError
from bnnlab.layers import QActivation
from bnnlab.models import create_model
from bnnlab.module import ClassificationModule
from bnnlab.quantizers import Sign, SwishSign

PATH = "model.layers.fc2.input_quantizer"


class RecordQuantizerInputs(L.Callback):
    """Test-side witness: the input of each binary QActivation at the first step."""

    def __init__(self):
        self.inputs: dict[str, torch.Tensor] = {}

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx):
        if trainer.global_step != 0:
            return
        for path, module in pl_module.named_modules():
            if isinstance(module, QActivation) and module.is_binary:
                module.register_forward_hook(functools.partial(self._record, path))

    def _record(self, path, module, inputs, output) -> None:  # None: the output stays
        self.inputs.setdefault(path, inputs[0].detach())


def fit(quantizer, tmp_path, callbacks, steps=4, model="mlp", **model_kwargs):
    network = create_model(
        model, input_shape=(1, 8, 8), num_classes=10, quantizer=quantizer, **model_kwargs
    )
    module = ClassificationModule(
        network, 10, optimizer=functools.partial(torch.optim.Adam, lr=0.01)
    )
    trainer = L.Trainer(
        max_steps=steps,
        limit_val_batches=0,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
        callbacks=callbacks,
    )
    trainer.fit(module, datamodule=DigitsDataModule(batch_size=64))
    return module


def test_ste_cancels_exactly_the_inputs_beyond_one(tmp_path):
    path = tmp_path / "h.sqlite"
    witness = RecordQuantizerInputs()
    fit(
        functools.partial(Sign, threshold=1.0),
        tmp_path,
        [witness, QuantizerGradientHistograms(every_n_steps=100, path=path)],
    )
    scalars = read_scalars(path)
    logged = scalars[scalars.key == f"quantizer_grad_zero_fraction/{PATH}"]
    assert logged.step.tolist() == [0]
    outside = (witness.inputs[PATH].abs() > 1).float().mean().item()
    assert 0.05 < outside < 0.95  # the check means something: both sides are populated
    assert logged.value.item() == pytest.approx(outside, abs=1e-7)
    # the measured surrogate derivative is the STE's box: 1 inside [-1, 1], 0 outside
    profile = read_histograms(path).set_index("key").loc[f"quantizer_grad_scale/{PATH}"]
    centres = (profile.edges[1:] + profile.edges[:-1]) / 2
    seen = ~np.isnan(profile.counts)
    np.testing.assert_allclose(profile.counts[seen & (np.abs(centres) < 0.9)], 1.0)
    np.testing.assert_allclose(profile.counts[seen & (np.abs(centres) > 1.1)], 0.0)


@pytest.mark.parametrize("beta", [2.0, 5.0])
def test_swishsign_scales_the_gradient_most_near_zero(tmp_path, beta):
    path = tmp_path / "h.sqlite"
    fit(
        functools.partial(SwishSign, beta=beta),
        tmp_path,
        [QuantizerGradientHistograms(every_n_steps=100, bins=48, path=path)],
    )
    profile = read_histograms(path).set_index("key").loc[f"quantizer_grad_scale/{PATH}"]
    centres = (profile.edges[1:] + profile.edges[:-1]) / 2
    width = profile.edges[1] - profile.edges[0]
    peak = np.nanargmax(profile.counts)
    assert abs(centres[peak]) <= width  # the bin at (or next to) x = 0
    assert 0.8 * beta < profile.counts[peak] <= beta * (1 + 1e-5)
    # and it is SwishSign's derivative, bin by bin (means over a bin of a smooth curve)
    seen = ~np.isnan(profile.counts)
    expected = SwishSign(beta).derivative(torch.tensor(centres, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(profile.counts[seen], expected[seen], atol=beta * width)


def test_flip_ratio_counts_sign_changes_between_logged_steps(tmp_path):
    path = tmp_path / "h.sqlite"
    module = fit(Sign, tmp_path, [WeightFlipRatio(every_n_steps=2, path=path)], steps=5)
    scalars = read_scalars(path)
    assert scalars.key.unique().tolist() == ["flip_ratio/model.layers.fc2"]
    assert scalars.step.tolist() == [2, 4]  # nothing at the first logged step (0)
    assert ((scalars.value > 0) & (scalars.value < 0.5)).all()
    assert module.model.layers.fc2.weight.numel() == 256 * 256


def test_parameter_gradients_binarized_layers_or_all(tmp_path):
    only_binary, everything = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    fit(
        SwishSign,
        tmp_path,
        [
            ParameterGradientHistograms(every_n_steps=3, path=only_binary),
            ParameterGradientHistograms(
                every_n_steps=3, path=everything, include_full_precision=True
            ),
        ],
        model="cnn",
    )
    binary = read_histograms(only_binary)
    assert sorted(binary.key.unique()) == [
        "gradients/model.layers.conv2.weight",
        "gradients/model.layers.conv3.weight",
    ]
    assert binary.step.unique().tolist() == [0, 3]
    sizes = {"conv2": 64 * 32 * 9, "conv3": 128 * 64 * 9}
    for row in binary.itertuples():
        assert row.counts.sum() == sizes[row.key.split(".")[2]]
        assert len(row.edges) == len(row.counts) + 1 == 65
    all_keys = set(read_histograms(everything).key)
    assert "gradients/model.layers.conv1.weight" in all_keys
    assert "gradients/model.layers.bn2.bias" in all_keys


def test_frozen_layers_are_skipped_and_hooks_are_gone_after_training(tmp_path):
    path = tmp_path / "h.sqlite"
    network = create_model(
        "mlp", input_shape=(1, 8, 8), num_classes=10, quantizer=SwishSign, hidden_sizes=[32, 32, 32]
    )
    network.layers.fc2.weight.requires_grad_(False)
    module = ClassificationModule(network, 10, functools.partial(torch.optim.Adam, lr=0.01))
    trainer = L.Trainer(
        max_steps=3,
        limit_val_batches=0,
        logger=False,
        accelerator="cpu",
        enable_checkpointing=False,
        enable_progress_bar=False,
        callbacks=[
            ParameterGradientHistograms(every_n_steps=1, path=path),
            QuantizerGradientHistograms(every_n_steps=2, path=path),
        ],
    )
    trainer.fit(module, datamodule=DigitsDataModule())
    frame = read_histograms(path)
    assert "gradients/model.layers.fc2.weight" not in set(frame.key)
    assert "gradients/model.layers.fc3.weight" in set(frame.key)
    # quantizers logged only at steps 0 and 2, none left hooked
    assert sorted(frame[frame.key.str.startswith("quantizer_grads/")].step.unique()) == [0, 2]
    assert all(not m._forward_hooks for m in network.modules() if isinstance(m, QActivation))


@pytest.mark.parametrize(
    "kwargs", [{"every_n_steps": 0}, {"every_n_steps": 2.5}, {"bins": 0}, {"bins": 513}]
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ConfigValueError, match=next(iter(kwargs))):
        QuantizerGradientHistograms(**kwargs)


class DestroyProcessGroup(L.Callback):
    """Leave no gloo process group for interpreter exit to tear down: with torch 2.14 a
    spawned rank that exits with one alive aborts now and then ("terminate called
    without an active exception"), after training has finished."""

    def teardown(self, trainer, pl_module, stage):
        if torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()


def test_ddp_two_processes_log_once(tmp_path):
    """Two CPU processes (gloo): rank 0 alone writes, and training does not hang."""
    path = tmp_path / "h.sqlite"
    network = create_model("mlp", input_shape=(1, 8, 8), num_classes=10, quantizer=SwishSign)
    module = ClassificationModule(network, 10, functools.partial(torch.optim.Adam, lr=0.01))
    trainer = L.Trainer(
        max_steps=3,
        limit_val_batches=0,
        logger=False,
        accelerator="cpu",
        devices=2,
        strategy="ddp_spawn",
        enable_checkpointing=False,
        enable_progress_bar=False,
        callbacks=[
            ParameterGradientHistograms(every_n_steps=1, path=path),
            QuantizerGradientHistograms(every_n_steps=1, path=path),
            WeightFlipRatio(every_n_steps=1, path=path),
            DestroyProcessGroup(),
        ],
    )
    trainer.fit(module, datamodule=DigitsDataModule())
    frame = read_histograms(path)
    # one entry per key and step: a second writer would have doubled them
    assert frame.groupby(["key", "step"]).size().eq(1).all()
    assert sorted(frame.step.unique()) == [0, 1, 2]
    assert read_scalars(path).groupby(["key", "step"]).size().eq(1).all()
