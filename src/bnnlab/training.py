"""One training run, read top to bottom as the data flow of DESIGN.md."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import lightning as L
import torch
from lightning.pytorch.callbacks import LearningRateMonitor
from lightning.pytorch.loggers import Logger, WandbLogger
from omegaconf import DictConfig, OmegaConf

from bnnlab.instantiate import instantiate_group, instantiate_node, instantiate_quantizer
from bnnlab.run_files import write_metrics

log = logging.getLogger(__name__)


def train(cfg: DictConfig) -> dict[str, float]:
    """Fit, test the best checkpoint, write ``<run dir>/metrics.json``; return the metrics."""
    # Quantizers first: a bad value fails before any data is loaded or training starts.
    quantizer = instantiate_quantizer(cfg, "quantizer")
    weight_quantizer = (
        instantiate_quantizer(cfg, "weight_quantizer") if cfg.get("weight_quantizer") else None
    )
    if cfg.get("seed") is not None:
        L.seed_everything(cfg.seed, workers=True)

    datamodule: L.LightningDataModule = instantiate_node(cfg, "datamodule")
    model = instantiate_node(
        cfg,
        "model",
        input_shape=datamodule.input_shape,
        num_classes=datamodule.num_classes,
        quantizer=quantizer,
        weight_quantizer=weight_quantizer,
    )
    module = instantiate_node(cfg, "module", model=model, num_classes=datamodule.num_classes)
    loggers: list[Logger] = instantiate_group(cfg, "logger")
    callbacks = _usable_callbacks(instantiate_group(cfg, "callbacks"), loggers)
    trainer: L.Trainer = instantiate_node(
        cfg, "trainer", callbacks=callbacks, logger=loggers or False
    )
    run_dir = Path(cfg.paths.output_dir)
    for logger in loggers:
        logger.log_hyperparams(OmegaConf.to_container(cfg, resolve=True))

    try:
        trainer.fit(module, datamodule=datamodule, ckpt_path=cfg.get("ckpt_path"))
        metrics = _numbers(trainer.callback_metrics)
        trainer.test(module, datamodule=datamodule, ckpt_path=_best_checkpoint(trainer))
        metrics.update(_numbers(trainer.callback_metrics))
        for logger in loggers:
            logger.log_metrics({f"final/{name}": value for name, value in metrics.items()})
    finally:
        _finish(loggers)
    if trainer.is_global_zero:  # DDP: every process has the synced metrics; one writes
        log.info("Metrics: %s", write_metrics(run_dir, metrics))
        log.info("Run dir: %s", run_dir)
    return metrics


def _usable_callbacks(callbacks: list[Any], loggers: list[Logger]) -> list[Any]:
    """Drop callbacks that cannot work without a logger, rather than fail the run."""
    if loggers:
        return callbacks
    kept = [callback for callback in callbacks if not isinstance(callback, LearningRateMonitor)]
    if len(kept) < len(callbacks):
        log.warning("No logger configured: LearningRateMonitor dropped.")
    return kept


def _best_checkpoint(trainer: L.Trainer) -> str | None:
    """The best checkpoint's path, or None (test the weights in memory) where there is
    none, as under ``fast_dev_run``."""
    checkpoint = trainer.checkpoint_callback
    best = getattr(checkpoint, "best_model_path", "") if checkpoint else ""
    if not best:
        log.warning("No best checkpoint: testing the weights at the end of training.")
        return None
    return best


STAGES = ("train/", "val/", "test/")


def _numbers(metrics: dict[str, torch.Tensor]) -> dict[str, float]:
    """The stages' epoch-level metrics as floats: per-step copies and other logged values
    (the learning rate) dropped, the ``_epoch`` suffix removed."""
    return {
        name.removesuffix("_epoch"): float(value)
        for name, value in metrics.items()
        if name.startswith(STAGES) and not name.endswith("_step")
    }


def _finish(loggers: list[Logger]) -> None:
    """Close W&B runs, so the next job of a sweep in this process gets a run of its own,
    and a DDP process group: torch 2.14's gloo can abort a process that exits with one
    alive, after its work is done."""
    for logger in loggers:
        if isinstance(logger, WandbLogger):
            logger.experiment.finish()
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()
