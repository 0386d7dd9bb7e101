"""Training time with the gradient instruments at their default frequency against
without them (issue 3's goal: at most 1.05x)."""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
import time
from pathlib import Path

import lightning as L
import torch
from lightning.pytorch.loggers import WandbLogger

from benchmarks.timing import interleaved_medians, print_table
from bnnlab.callbacks import (
    ParameterGradientHistograms,
    QuantizerGradientHistograms,
    WeightFlipRatio,
)
from bnnlab.data import DigitsDataModule
from bnnlab.models import create_model
from bnnlab.module import ClassificationModule
from bnnlab.quantizers import SwishSign

DEFAULT_EVERY_N_STEPS = 50  # conf/callbacks/gradients.yaml

MODELS = {
    # the default experiment's network
    "digits MLP (85.5K params)": dict(hidden_sizes=[256, 256]),
    # about 10M parameters, nearly all in binarized layers
    "wide MLP (10.8M params)": dict(hidden_sizes=[2304, 2304, 2304]),
}


class TrainingLoopClock(L.Callback):
    """Wall time from the first training batch to the end of training: the part the
    instruments can slow down (start-up, identical in both variants, left out)."""

    def __init__(self) -> None:
        self.start = self.seconds = 0.0

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        if trainer.global_step == 0 and batch_idx == 0:
            self.start = time.perf_counter()

    def on_train_end(self, trainer, pl_module) -> None:
        self.seconds = time.perf_counter() - self.start


HOOKS = ("on_train_batch_start", "on_train_batch_end", "on_before_optimizer_step")


def time_hooks(callback: L.Callback, spent: list[float]) -> L.Callback:
    """Make ``callback`` add the seconds its training hooks take to ``spent[0]``."""
    for name in HOOKS:
        hook = getattr(callback, name)

        def timed(*args, hook=hook, **kwargs):
            start = time.perf_counter()
            hook(*args, **kwargs)
            spent[0] += time.perf_counter() - start

        setattr(callback, name, timed)
    return callback


def train_once(
    model_kwargs: dict, steps: int, instruments: bool, workdir: Path, spent: list[float]
) -> float:
    """Seconds of one training loop of ``steps`` steps, with or without the instruments;
    the seconds spent inside the instruments' hooks are added to ``spent[0]``."""
    L.seed_everything(0, verbose=False)
    model = create_model(
        "mlp", input_shape=(1, 8, 8), num_classes=10, quantizer=SwishSign, **model_kwargs
    )
    module = ClassificationModule(model, 10, functools.partial(torch.optim.Adam, lr=1e-3))
    run_dir = Path(tempfile.mkdtemp(dir=workdir))
    clock = TrainingLoopClock()
    callbacks: list[L.Callback] = [clock]
    if instruments:
        shared = dict(every_n_steps=DEFAULT_EVERY_N_STEPS, path=run_dir / "histograms.sqlite")
        callbacks += [
            time_hooks(ParameterGradientHistograms(**shared), spent),
            time_hooks(QuantizerGradientHistograms(**shared), spent),
            time_hooks(WeightFlipRatio(**shared), spent),
        ]
    logger = WandbLogger(save_dir=run_dir, offline=True, project="bnnlab-bench")
    trainer = L.Trainer(
        max_steps=steps,
        limit_val_batches=0,
        accelerator="cpu",
        logger=logger,
        callbacks=callbacks,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(module, datamodule=DigitsDataModule(batch_size=64))
    logger.experiment.finish()
    return clock.seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=200, help="optimizer steps per run")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("WANDB_SILENT", "true")
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, kwargs in MODELS.items():
            spent = [0.0]
            medians = interleaved_medians(  # the loop's own clock, not the call's
                {
                    flag: functools.partial(
                        train_once, kwargs, args.steps, flag, Path(workdir), spent
                    )
                    for flag in (False, True)
                },
                repeats=args.repeats,
            )
            in_hooks = spent[0] / (args.repeats + 1)  # per run with instruments, warm-up too
            rows.append(
                {
                    "model": name,
                    "steps": args.steps,
                    "without (s)": medians[False],
                    "with (s)": medians[True],
                    "ratio": medians[True] / medians[False],
                    "in hooks (s)": in_hooks,
                    "hooks ratio": medians[True] / (medians[True] - in_hooks),
                }
            )
    print_table(
        f"Gradient instruments every {DEFAULT_EVERY_N_STEPS} steps, against none "
        f"(median of {args.repeats}, W&B offline in both). 'ratio': with / without, two "
        "runs; 'hooks ratio': a run with them over the same run less the time spent in "
        "their hooks (the direct cost, free of run-to-run noise)",
        rows,
    )


if __name__ == "__main__":
    main()
