"""Where a logged step's histograms and scalars go: the trainer's loggers and the run's
local histogram file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import lightning as L
import numpy as np
from lightning.pytorch.loggers import WandbLogger

from bnnlab.callbacks.histograms import Histogram
from bnnlab.callbacks.store import HistogramStore


class LogSink:
    """Sends histograms to W&B (as ``wandb.Histogram``) and scalars to every logger;
    both to the local ``HistogramStore`` at ``path`` (None: no local file)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = path
        self._store: HistogramStore | None = None

    def emit(
        self,
        trainer: L.Trainer,
        histograms: Mapping[str, Histogram],
        scalars: Mapping[str, float],
        step: int | None = None,
    ) -> None:
        """Log at ``step`` (default: the trainer's current optimizer step)."""
        step = trainer.global_step if step is None else step
        for logger in trainer.loggers:
            if isinstance(logger, WandbLogger):
                logger.log_metrics({**_wandb_histograms(histograms), **scalars}, step=step)
            elif scalars:
                logger.log_metrics(dict(scalars), step=step)
        if self.path is not None:
            if self._store is None:  # opened lazily: only the rank that logs opens it
                self._store = HistogramStore(self.path)
            self._store.write(step, trainer.current_epoch, histograms, scalars)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _wandb_histograms(histograms: Mapping[str, Histogram]) -> dict:
    import wandb

    return {
        key: wandb.Histogram(np_histogram=(np.nan_to_num(h.counts).tolist(), h.edges.tolist()))
        for key, h in histograms.items()
    }
