"""What bnnlab keeps in and reads from a Lightning checkpoint."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import lightning as L
import torch
from lightning.pytorch.loggers import WandbLogger

WANDB_RUN_ID = "wandb_run_id"


class CheckpointError(ValueError):
    """A checkpoint that is missing, unreadable or does not fit the model."""


def load_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """The checkpoint at ``path``, loaded safely (``weights_only``) on the CPU."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"ckpt_path={str(path)!r}: no such file")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    except Exception as error:  # torch raises many kinds for a damaged file
        raise CheckpointError(
            f"ckpt_path={str(path)!r} is not a readable Lightning checkpoint: {error}"
        ) from error
    if not isinstance(checkpoint, dict) or "state_dict" not in checkpoint:
        raise CheckpointError(f"ckpt_path={str(path)!r} holds no model state_dict")
    return checkpoint


def run_config_path(
    ckpt_path: str | os.PathLike, train_config: str | os.PathLike | None = None
) -> Path:
    """The training run's ``.hydra/config.yaml``: ``train_config`` if given, else the one
    of the run dir that holds the checkpoint (``<run dir>/checkpoints/<name>.ckpt``)."""
    path = Path(train_config or Path(ckpt_path).resolve().parent.parent / ".hydra" / "config.yaml")
    if not path.is_file():
        raise CheckpointError(
            f"no training config at {path}: pass train_config=<run dir>/.hydra/config.yaml"
        )
    return path


class RememberWandbRun(L.Callback):
    """Stores the W&B run id in every checkpoint: a run resumed from it continues the
    same W&B run."""

    def on_save_checkpoint(
        self, trainer: L.Trainer, pl_module: L.LightningModule, checkpoint: dict[str, Any]
    ) -> None:
        for logger in trainer.loggers:
            if isinstance(logger, WandbLogger):
                checkpoint[WANDB_RUN_ID] = logger.version
