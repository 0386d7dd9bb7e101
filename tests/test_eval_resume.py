"""Evaluating a checkpoint, resuming from one, and what a Ctrl-C leaves behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bnnlab.checkpoints import load_checkpoint
from bnnlab.run_files import read_metrics
from bnnlab.wandb_offline import find_run_file, read_history
from tests.conftest import ROOT, TINY_RUN, run_cli

pytestmark = pytest.mark.slow


def wandb_run_ids(run_dir: Path) -> set[str]:
    return {path.name.rsplit("-", 1)[1] for path in (run_dir / "wandb").glob("offline-run-*")}


def test_evaluating_the_best_checkpoint_reproduces_test_accuracy(tmp_path):
    run_dir, eval_dir = tmp_path / "run", tmp_path / "eval"
    run_cli([*TINY_RUN, "trainer.max_epochs=3", f"hydra.run.dir={run_dir}"], tmp_path)
    (best,) = (run_dir / "checkpoints").glob("epoch_*.ckpt")
    # the same test batches as the training run tested (TINY_RUN limits them to 2)
    run_cli(
        [f"ckpt_path={best}", "+trainer.limit_test_batches=2", f"hydra.run.dir={eval_dir}"],
        tmp_path,
        script="eval.py",
    )
    trained, evaluated = read_metrics(run_dir), read_metrics(eval_dir)
    assert evaluated["test/acc"] == pytest.approx(trained["test/acc"], abs=1e-3)
    assert evaluated["test/loss"] == pytest.approx(trained["test/loss"], rel=1e-5)


def test_resume_continues_at_the_saved_epoch_in_the_same_wandb_run(tmp_path):
    first, resumed = tmp_path / "first", tmp_path / "resumed"
    run_cli([*TINY_RUN, f"hydra.run.dir={first}"], tmp_path)  # 2 epochs
    last = first / "checkpoints" / "last.ckpt"
    assert load_checkpoint(last)["epoch"] == 1
    run_cli(
        [*TINY_RUN, "trainer.max_epochs=4", f"ckpt_path={last}", f"hydra.run.dir={resumed}"],
        tmp_path,
    )
    epochs = {
        int(line.split(",")[0])
        for line in (resumed / "csv" / "metrics.csv").read_text().splitlines()[1:]
        if line.split(",")[0]
    }
    assert min(epochs) == 2  # epochs 0 and 1 were the first run's
    assert wandb_run_ids(resumed) == wandb_run_ids(first)
    assert load_checkpoint(resumed / "checkpoints" / "last.ckpt")["epoch"] == 3


def test_ctrl_c_leaves_a_usable_checkpoint_and_a_finished_wandb_run(tmp_path):
    run_dir = tmp_path / "run"
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "train.py"),
            "trainer.max_epochs=100000",
            "callbacks.progress_bar=null",
            f"hydra.run.dir={run_dir}",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "WANDB_MODE": "offline", "WANDB_SILENT": "true"},
    )
    deadline = time.monotonic() + 120
    while not (run_dir / "checkpoints" / "last.ckpt").exists():
        assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
        time.sleep(0.2)
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=120)
    assert process.returncode != 0, output
    for name in ("interrupted.ckpt", "last.ckpt"):
        checkpoint = load_checkpoint(run_dir / "checkpoints" / name)
        assert checkpoint["epoch"] >= 0 and checkpoint["state_dict"]
    assert read_history(find_run_file(run_dir / "wandb"), timeout=30)  # has its exit record
    # and the interrupted checkpoint resumes
    resumed = tmp_path / "resumed"
    interrupted = run_dir / "checkpoints" / "interrupted.ckpt"
    epoch = load_checkpoint(interrupted)["epoch"]
    run_cli(
        [
            *TINY_RUN,
            f"trainer.max_epochs={epoch + 2}",
            f"ckpt_path={interrupted}",
            f"hydra.run.dir={resumed}",
        ],
        tmp_path,
    )
    assert "test/acc" in json.loads((resumed / "metrics.json").read_text())


def test_bad_checkpoints_are_refused_clearly(tmp_path):
    run_dir = tmp_path / "run"
    run_cli([*TINY_RUN, "model=cnn", f"hydra.run.dir={run_dir}"], tmp_path)
    corrupt = tmp_path / "corrupt.ckpt"
    corrupt.write_bytes(b"not a checkpoint")
    result = run_cli(
        [f"ckpt_path={corrupt}", f"train_config={run_dir}/.hydra/config.yaml"],
        tmp_path,
        script="eval.py",
        check=False,
    )
    assert result.returncode != 0
    assert "is not a readable Lightning checkpoint" in result.stderr
    # an MLP's config with the CNN's checkpoint
    other = tmp_path / "other"
    run_cli([*TINY_RUN, "debug=fdr", f"hydra.run.dir={other}"], tmp_path)
    result = run_cli(
        [f"ckpt_path={run_dir}/checkpoints/last.ckpt", f"train_config={other}/.hydra/config.yaml"],
        tmp_path,
        script="eval.py",
        check=False,
    )
    assert result.returncode != 0
    assert "does not fit the model of its config" in result.stderr
    result = run_cli([f"ckpt_path={tmp_path}/nosuch.ckpt"], tmp_path, check=False)
    assert "no such file" in result.stderr
