"""Building a run's parts from its config: shared by training and evaluation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import lightning as L
import torch
from lightning.pytorch.callbacks import LearningRateMonitor
from lightning.pytorch.loggers import Logger, WandbLogger
from omegaconf import DictConfig

from bnnlab.instantiate import instantiate_group, instantiate_node, instantiate_quantizer

log = logging.getLogger(__name__)

STAGES = ("train/", "val/", "test/")


@dataclass
class Experiment:
    datamodule: L.LightningDataModule
    module: L.LightningModule


def quantizer_factories(cfg: DictConfig) -> dict[str, Any]:
    """The ``quantizer`` and ``weight_quantizer`` factories a model is built with,
    validated now: a bad value fails before any data is loaded."""
    return {
        "quantizer": instantiate_quantizer(cfg, "quantizer"),
        "weight_quantizer": (
            instantiate_quantizer(cfg, "weight_quantizer") if cfg.get("weight_quantizer") else None
        ),
    }


def build_model(
    cfg: DictConfig,
    input_shape: tuple[int, ...],
    num_classes: int,
    quantizers: dict[str, Any] | None = None,
) -> torch.nn.Module:
    """The network of ``cfg.model`` for samples of ``input_shape``."""
    return instantiate_node(
        cfg,
        "model",
        input_shape=tuple(input_shape),
        num_classes=num_classes,
        **(quantizers or quantizer_factories(cfg)),
    )


def build_experiment(cfg: DictConfig) -> Experiment:
    """Quantizers (first: a bad value fails before any data is loaded), the seed, the
    datamodule, the model and the LightningModule, each from its config group."""
    quantizers = quantizer_factories(cfg)
    if cfg.get("seed") is not None:
        L.seed_everything(cfg.seed, workers=True)
    datamodule: L.LightningDataModule = instantiate_node(cfg, "datamodule")
    model = build_model(cfg, datamodule.input_shape, datamodule.num_classes, quantizers)
    module = instantiate_node(cfg, "module", model=model, num_classes=datamodule.num_classes)
    return Experiment(datamodule, module)


def build_trainer(
    cfg: DictConfig, extra_callbacks: list[Any] = ()
) -> tuple[L.Trainer, list[Logger]]:
    """The Trainer with the configured callbacks (plus ``extra_callbacks``) and loggers."""
    loggers: list[Logger] = instantiate_group(cfg, "logger")
    callbacks = usable_callbacks(instantiate_group(cfg, "callbacks"), loggers)
    trainer = instantiate_node(
        cfg, "trainer", callbacks=[*callbacks, *extra_callbacks], logger=loggers or False
    )
    return trainer, loggers


def usable_callbacks(callbacks: list[Any], loggers: list[Logger]) -> list[Any]:
    """Drop callbacks that cannot work without a logger, rather than fail the run."""
    if loggers:
        return callbacks
    kept = [callback for callback in callbacks if not isinstance(callback, LearningRateMonitor)]
    if len(kept) < len(callbacks):
        log.warning("No logger configured: LearningRateMonitor dropped.")
    return kept


def stage_metrics(metrics: dict[str, torch.Tensor]) -> dict[str, float]:
    """The stages' epoch-level metrics as floats: per-step copies and other logged values
    (the learning rate) dropped, the ``_epoch`` suffix removed."""
    return {
        name.removesuffix("_epoch"): float(value)
        for name, value in metrics.items()
        if name.startswith(STAGES) and not name.endswith("_step")
    }


def finish(loggers: list[Logger]) -> None:
    """Close W&B runs, so the next job of a sweep in this process gets a run of its own,
    and a DDP process group: torch 2.14's gloo can abort a process that exits with one
    alive, after its work is done."""
    for logger in loggers:
        if isinstance(logger, WandbLogger):
            logger.experiment.finish()
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()
