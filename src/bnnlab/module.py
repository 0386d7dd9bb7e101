"""The LightningModule: classification with a (binarized) model."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics import MaxMetric
from torchmetrics.classification import MulticlassAccuracy

from bnnlab.layers import QuantizedLayer
from bnnlab.layers.quantized import SCALE_REGULARIZERS
from bnnlab.validation import one_of, positive_finite

OptimizerFactory = Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer]
SchedulerFactory = Callable[[torch.optim.Optimizer], torch.optim.lr_scheduler.LRScheduler]


def binary_latent_weights(model: nn.Module) -> list[nn.Parameter]:
    """The float weights that the model binarizes in its forward pass."""
    return [
        module.weight
        for module in model.modules()
        if isinstance(module, QuantizedLayer) and module.has_binary_weights
    ]


class NonFiniteLossError(FloatingPointError):
    """The training loss became NaN or infinite: the run stops and counts as failed."""


class ClassificationModule(L.LightningModule):
    """Cross-entropy classification of ``model`` with accuracy for train, val and test.

    Logs ``{train,val,test}/loss``, ``{train,val,test}/acc`` and ``val/acc_best`` (the
    best validation accuracy so far). A NaN or infinite training loss raises
    ``NonFiniteLossError`` (a diverged run fails rather than train on garbage). After
    each optimizer step the latent weights of binarized layers are clipped to
    ``[-latent_weight_clip, latent_weight_clip]`` (Courbariaux et al., 2016: a latent
    weight far beyond ±1 no longer gets gradient through a cancelling STE and would
    never flip back); ``None`` turns this off.

    Args:
        model: the network, logits out.
        num_classes: number of classes, for the accuracy metrics.
        optimizer: partial of a torch optimizer, called with the parameters.
        scheduler: partial of a torch LR scheduler, called with the optimizer, or None.
        scheduler_interval: step the scheduler every ``"epoch"`` or ``"step"``.
        latent_weight_clip: a finite number > 0, or None.
        scale_regularizer: ``"l1"`` or ``"l2"``: add BNN+'s regulariser of learned weight
            scales (``weight_scale="learned"``), times ``scale_regularizer_weight``, to
            the training loss; None for none.
    """

    def __init__(
        self,
        model: nn.Module,
        num_classes: int,
        optimizer: OptimizerFactory,
        scheduler: SchedulerFactory | None = None,
        scheduler_interval: str = "epoch",
        latent_weight_clip: float | None = 1.0,
        scale_regularizer: str | None = None,
        scale_regularizer_weight: float = 1e-4,
    ) -> None:
        super().__init__()
        one_of("scheduler_interval", scheduler_interval, ("epoch", "step"))
        positive_finite("latent_weight_clip", latent_weight_clip, allow_none=True)
        if scale_regularizer is not None:
            one_of("scale_regularizer", scale_regularizer, SCALE_REGULARIZERS)
        positive_finite("scale_regularizer_weight", scale_regularizer_weight)
        # The factories stay out of the checkpoint: it must load with weights_only=True.
        self.save_hyperparameters(ignore=["model", "optimizer", "scheduler"], logger=False)
        self.model = model
        self.optimizer_factory = optimizer
        self.scheduler_factory = scheduler
        # keyed "<stage>_acc": ModuleDict keys may not shadow Module attributes ("train")
        self.accuracy = nn.ModuleDict(
            {
                f"{stage}_acc": MulticlassAccuracy(num_classes, average="micro")
                for stage in ("train", "val", "test")
            }
        )
        self.val_acc_best = MaxMetric()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)

    def _shared_step(self, batch: tuple[torch.Tensor, torch.Tensor], stage: str) -> torch.Tensor:
        inputs, targets = batch
        logits = self(inputs)
        loss = F.cross_entropy(logits, targets)
        if stage == "train" and not torch.isfinite(loss):
            raise NonFiniteLossError(
                f"train/loss is {loss.item()} at step {self.global_step}: training diverged"
            )
        accuracy = self.accuracy[f"{stage}_acc"]
        accuracy(logits, targets)
        on_step = stage == "train"
        # val/test losses are averaged over DDP processes; the train loss per step is not
        # (an all-reduce every step for a progress-bar number)
        self.log(
            f"{stage}/loss",
            loss,
            on_step=on_step,
            on_epoch=True,
            prog_bar=True,
            sync_dist=not on_step,
        )
        self.log(f"{stage}/acc", accuracy, on_step=on_step, on_epoch=True, prog_bar=True)
        return loss

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss = self._shared_step(batch, "train")
        kind = self.hparams.scale_regularizer
        scaled = [m for m in self.model.modules() if getattr(m, "weight_scale", "") == "learned"]
        if kind is None or not scaled:
            return loss
        regularization = sum(layer.scale_regularization(kind) for layer in scaled)
        self.log("train/scale_regularization", regularization, on_step=True, on_epoch=True)
        return loss + self.hparams.scale_regularizer_weight * regularization

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self._shared_step(batch, "val")

    def test_step(self, batch: Any, batch_idx: int) -> None:
        self._shared_step(batch, "test")

    def on_train_start(self) -> None:
        # the sanity check's validation batches must not count towards the best accuracy
        self.val_acc_best.reset()

    def on_validation_epoch_end(self) -> None:
        if self.trainer.sanity_checking:
            return
        self.val_acc_best(self.accuracy["val_acc"].compute())
        self.log("val/acc_best", self.val_acc_best.compute(), prog_bar=True)

    def on_train_batch_end(self, outputs: Any, batch: Any, batch_idx: int) -> None:
        clip = self.hparams.latent_weight_clip
        if clip is None:
            return
        with torch.no_grad():
            for weight in binary_latent_weights(self.model):
                weight.clamp_(-clip, clip)

    def configure_optimizers(self) -> Any:
        optimizer = self.optimizer_factory(params=self.parameters())
        if self.scheduler_factory is None:
            return optimizer
        scheduler = self.scheduler_factory(optimizer=optimizer)
        return {
            "optimizer": optimizer,
            "lr_scheduler": {"scheduler": scheduler, "interval": self.hparams.scheduler_interval},
        }
