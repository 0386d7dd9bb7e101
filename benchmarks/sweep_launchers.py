"""Wall time of one 4-job sweep (the default experiment, 2 quantizers x 2 seeds) with
Hydra's basic launcher (jobs one after another in one process) against the joblib
launcher with 2 workers, measured side by side."""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.timing import interleaved_medians, print_table

ROOT = Path(__file__).resolve().parents[1]
SWEEP = ["quantizer=sign,swishsign", "seed=0,1", "logger=csv", "callbacks.progress_bar=null"]
LAUNCHERS = {
    "basic": [],
    "joblib, 2 workers": ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
}


def run_sweep(launcher: list[str], epochs: int, workdir: Path) -> None:
    sweep_dir = tempfile.mkdtemp(dir=workdir)
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "train.py"),
            "-m",
            *SWEEP,
            *launcher,
            f"trainer.max_epochs={epochs}",
            f"hydra.sweep.dir={sweep_dir}",
        ],
        check=True,
        capture_output=True,
        cwd=workdir,
        env={**os.environ, "WANDB_MODE": "offline", "WANDB_SILENT": "true"},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=40, help="per job (default: as make train)")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        medians = interleaved_medians(
            {
                name: functools.partial(run_sweep, launcher, args.epochs, Path(workdir))
                for name, launcher in LAUNCHERS.items()
            },
            repeats=args.repeats,
            warmup=0,
        )
    basic = medians["basic"]
    print_table(
        f"4-job sweep, {args.epochs} epochs per job, {os.cpu_count()} CPUs "
        f"(median of {args.repeats}, whole command incl. start-up)",
        [
            {"launcher": name, "wall (s)": seconds, "vs basic": seconds / basic}
            for name, seconds in medians.items()
        ],
    )


if __name__ == "__main__":
    main()
