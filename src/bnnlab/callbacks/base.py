"""What the gradient instruments share: when to log, and where to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lightning as L
from lightning.pytorch.callbacks import Callback

from bnnlab.callbacks.sink import LogSink
from bnnlab.validation import integer_in_range


class StepInstrument(Callback):
    """A callback that measures something every ``every_n_steps`` optimizer steps.

    Only the global-zero process measures and logs (nothing is gathered across
    processes, so nothing can deadlock), never during the sanity check, and at most
    once per optimizer step (gradient accumulation runs several batches per step).

    Args:
        every_n_steps: log at optimizer steps 0, n, 2n, ... (an int >= 1).
        bins: histogram bins (1 to 512, W&B's limit).
        path: the run's local histogram file, or None for none.
    """

    def __init__(self, every_n_steps: int = 50, bins: int = 64, path: str | Path | None = None):
        super().__init__()
        self.every_n_steps = integer_in_range("every_n_steps", every_n_steps, 1)
        self.bins = integer_in_range("bins", bins, 1, 512)
        self.sink = LogSink(path)
        self._last_logged_step: int | None = None

    def claim_step(self, trainer: L.Trainer) -> bool:
        """Whether this optimizer step is one to measure and not measured yet; if so, it
        is marked measured (later batches of the same step get False)."""
        step = trainer.global_step
        due = (
            trainer.is_global_zero
            and not trainer.sanity_checking
            and step % self.every_n_steps == 0
            and step != self._last_logged_step
        )
        if due:
            self._last_logged_step = step
        return due

    def teardown(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        self.sink.close()

    def on_exception(self, trainer: L.Trainer, pl_module: L.LightningModule, exception: Any):
        self.sink.close()
