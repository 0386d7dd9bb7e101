"""Training time with the gradient instruments at their default frequency against
without them (issue 3's goal: at most 1.05x)."""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
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


def train_once(model_kwargs: dict, steps: int, instruments: bool, workdir: Path) -> None:
    L.seed_everything(0, verbose=False)
    model = create_model(
        "mlp", input_shape=(1, 8, 8), num_classes=10, quantizer=SwishSign, **model_kwargs
    )
    module = ClassificationModule(model, 10, functools.partial(torch.optim.Adam, lr=1e-3))
    run_dir = Path(tempfile.mkdtemp(dir=workdir))
    callbacks = []
    if instruments:
        shared = dict(every_n_steps=DEFAULT_EVERY_N_STEPS, path=run_dir / "histograms.sqlite")
        callbacks = [
            ParameterGradientHistograms(**shared),
            QuantizerGradientHistograms(**shared),
            WeightFlipRatio(**shared),
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=200, help="optimizer steps per run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("WANDB_SILENT", "true")
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, kwargs in MODELS.items():
            medians = interleaved_medians(
                {
                    flag: functools.partial(train_once, kwargs, args.steps, flag, Path(workdir))
                    for flag in (False, True)
                },
                repeats=args.repeats,
            )
            rows.append(
                {
                    "model": name,
                    "steps": args.steps,
                    "without (s)": medians[False],
                    "with (s)": medians[True],
                    "ratio": medians[True] / medians[False],
                }
            )
    print_table(
        f"Gradient instruments every {DEFAULT_EVERY_N_STEPS} steps, against none "
        f"(median of {args.repeats}, W&B offline in both)",
        rows,
    )


if __name__ == "__main__":
    main()
