"""The LightningModule through a real Trainer on the digits."""

from __future__ import annotations

import functools

import lightning as L
import pytest
import torch

from bnnlab.data import DigitsDataModule
from bnnlab.errors import ConfigValueError
from bnnlab.models import create_model
from bnnlab.module import ClassificationModule, NonFiniteLossError, binary_latent_weights
from bnnlab.quantizers import Sign


def fit(module: ClassificationModule, max_epochs: int = 2) -> tuple[L.Trainer, dict]:
    """Fit and test; the trainer and every metric logged by fit and test."""
    trainer = L.Trainer(
        max_epochs=max_epochs,
        limit_train_batches=5,
        limit_val_batches=2,
        limit_test_batches=2,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    datamodule = DigitsDataModule(batch_size=32)
    trainer.fit(module, datamodule=datamodule)
    metrics = dict(trainer.callback_metrics)
    trainer.test(module, datamodule=datamodule, verbose=False)
    return trainer, {**metrics, **trainer.callback_metrics}


def make_module(**kwargs) -> ClassificationModule:
    model = create_model("mlp", input_shape=(1, 8, 8), num_classes=10, quantizer=Sign)
    kwargs.setdefault("optimizer", functools.partial(torch.optim.Adam, lr=0.5))
    return ClassificationModule(model=model, num_classes=10, **kwargs)


def test_latent_binary_weights_are_clipped_after_each_step():
    module = make_module()
    fit(module)
    weights = binary_latent_weights(module.model)
    assert len(weights) == 1  # fc2: first and last layers are full precision
    assert weights[0].abs().max().item() == pytest.approx(1.0)


def test_clipping_can_be_turned_off():
    module = make_module(latent_weight_clip=None)
    fit(module)
    assert binary_latent_weights(module.model)[0].abs().max().item() > 1.0


def test_logged_metrics_and_best_accuracy():
    module = make_module(
        optimizer=functools.partial(torch.optim.Adam, lr=0.01),
        scheduler=functools.partial(torch.optim.lr_scheduler.CosineAnnealingLR, T_max=3),
    )
    trainer, metrics = fit(module, max_epochs=3)
    for name in ("test/acc", "test/loss", "val/acc", "val/acc_best", "val/loss"):
        assert name in metrics, sorted(metrics)
    assert 0.0 <= metrics["test/acc"].item() <= 1.0
    assert metrics["val/acc_best"].item() >= metrics["val/acc"].item()
    assert trainer.optimizers[0].param_groups[0]["lr"] == pytest.approx(0.0, abs=1e-12)


def test_checkpoint_loads_with_weights_only(tmp_path):
    module = make_module()
    trainer, _ = fit(module, max_epochs=1)
    path = tmp_path / "model.ckpt"
    trainer.save_checkpoint(path)
    checkpoint = torch.load(path, weights_only=True)
    assert checkpoint["hyper_parameters"]["latent_weight_clip"] == 1.0


@pytest.mark.parametrize(
    "kwargs",
    [{"scheduler_interval": "batch"}, {"latent_weight_clip": 0}, {"latent_weight_clip": "x"}],
)
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ConfigValueError, match=next(iter(kwargs))):
        make_module(**kwargs)


class Diverging(torch.nn.Module):
    """Logits that become NaN: what a diverged network produces."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = torch.nn.Parameter(torch.tensor(1.0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.flatten(1)[:, :10] * self.scale * float("nan")


def test_a_nan_training_loss_fails_the_run():
    module = ClassificationModule(
        Diverging(), 10, optimizer=functools.partial(torch.optim.SGD, lr=0.1)
    )
    with pytest.raises(NonFiniteLossError, match="train/loss is nan at step 0"):
        fit(module)
