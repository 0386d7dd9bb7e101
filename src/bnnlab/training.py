"""One training run, read top to bottom as the data flow of DESIGN.md."""

from __future__ import annotations

import logging
from pathlib import Path

import lightning as L
from omegaconf import DictConfig, OmegaConf, open_dict

from bnnlab.checkpoints import WANDB_RUN_ID, RememberWandbRun, load_checkpoint
from bnnlab.experiment import build_experiment, build_trainer, finish, stage_metrics
from bnnlab.run_files import write_metrics

log = logging.getLogger(__name__)


def train(cfg: DictConfig) -> dict[str, float]:
    """Fit (or resume from ``ckpt_path``), test the best checkpoint, write
    ``<run dir>/metrics.json``; return the metrics."""
    if cfg.get("ckpt_path"):
        _continue_wandb_run(cfg, load_checkpoint(cfg.ckpt_path))
    experiment = build_experiment(cfg)
    trainer, loggers = build_trainer(cfg, extra_callbacks=[RememberWandbRun()])
    run_dir = Path(cfg.paths.output_dir)
    for logger in loggers:
        logger.log_hyperparams(OmegaConf.to_container(cfg, resolve=True))

    try:
        trainer.fit(
            experiment.module, datamodule=experiment.datamodule, ckpt_path=cfg.get("ckpt_path")
        )
        metrics = stage_metrics(trainer.callback_metrics)
        trainer.test(
            experiment.module, datamodule=experiment.datamodule, ckpt_path=_best_checkpoint(trainer)
        )
        metrics.update(stage_metrics(trainer.callback_metrics))
        for logger in loggers:
            logger.log_metrics({f"final/{name}": value for name, value in metrics.items()})
    finally:
        finish(loggers)
    if trainer.is_global_zero:  # DDP: every process has the synced metrics; one writes
        log.info("Metrics: %s", write_metrics(run_dir, metrics))
        log.info("Run dir: %s", run_dir)
    return metrics


def _continue_wandb_run(cfg: DictConfig, checkpoint: dict) -> None:
    """Resuming: log into the W&B run the checkpoint came from."""
    run_id = checkpoint.get(WANDB_RUN_ID)
    if run_id and cfg.get("logger") and "wandb" in cfg.logger:
        with open_dict(cfg):
            cfg.logger.wandb.id = run_id
            cfg.logger.wandb.resume = "allow"
        log.info("Resuming W&B run %s", run_id)


def _best_checkpoint(trainer: L.Trainer) -> str | None:
    """The best checkpoint's path, or None (test the weights in memory) where there is
    none, as under ``fast_dev_run``."""
    checkpoint = trainer.checkpoint_callback
    best = getattr(checkpoint, "best_model_path", "") if checkpoint else ""
    if not best:
        log.warning("No best checkpoint: testing the weights at the end of training.")
        return None
    return best
