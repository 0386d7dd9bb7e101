"""Testing a trained checkpoint: the run's own config rebuilds data, model and module."""

from __future__ import annotations

import logging
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from bnnlab.checkpoints import CheckpointError, load_checkpoint, run_config_path
from bnnlab.experiment import build_experiment, build_trainer, finish, stage_metrics
from bnnlab.run_files import write_metrics

log = logging.getLogger(__name__)


def training_config(cfg: DictConfig) -> DictConfig:
    """The training run's composed config (see ``run_config_path``)."""
    trained = OmegaConf.load(run_config_path(cfg.ckpt_path, cfg.train_config))
    # paths resolve against this (evaluation) run: its output dir, the same data dir
    trained.paths = cfg.paths
    return trained


def evaluate(cfg: DictConfig) -> dict[str, float]:
    """Test ``cfg.ckpt_path`` on the test split; write ``<run dir>/metrics.json``."""
    checkpoint = load_checkpoint(cfg.ckpt_path)
    experiment = build_experiment(training_config(cfg))
    try:
        experiment.module.load_state_dict(checkpoint["state_dict"])
    except RuntimeError as error:
        raise CheckpointError(
            f"ckpt_path={cfg.ckpt_path!r} does not fit the model of its config: {error}"
        ) from None
    trainer, loggers = build_trainer(cfg)
    try:
        trainer.test(experiment.module, datamodule=experiment.datamodule)
        metrics = stage_metrics(trainer.callback_metrics)
    finally:
        finish(loggers)
    run_dir = Path(cfg.paths.output_dir)
    log.info("Metrics of epoch %s: %s", checkpoint.get("epoch"), write_metrics(run_dir, metrics))
    return metrics
