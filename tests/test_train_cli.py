"""The real `python train.py` command line, end to end on the embedded digits."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import TINY_RUN, run_cli

pytestmark = pytest.mark.slow


def tiny_run(tmp_path: Path, *overrides: str, name: str = "run") -> Path:
    run_dir = tmp_path / name
    run_cli([*TINY_RUN, *overrides, f"hydra.run.dir={run_dir}"], tmp_path)
    return run_dir


def metrics(run_dir: Path) -> dict:
    return json.loads((run_dir / "metrics.json").read_text())


def test_a_run_writes_metrics_checkpoints_and_offline_logs(tmp_path):
    run_dir = tiny_run(tmp_path, "quantizer=swishsign", "quantizer.beta=10")
    found = metrics(run_dir)
    for name in ("test/acc", "test/loss", "val/acc", "val/acc_best", "train/loss", "train/acc"):
        assert isinstance(found[name], float), name
    assert 0 <= found["test/acc"] <= 1
    assert (run_dir / "checkpoints" / "last.ckpt").is_file()
    assert list((run_dir / "wandb").glob("offline-run-*/run-*.wandb"))
    assert (run_dir / "csv" / "metrics.csv").is_file()
    assert "beta: 10" in (run_dir / ".hydra" / "config.yaml").read_text()


def test_the_default_experiment_reaches_95_percent(tmp_path):
    """`make train`'s run: SwishSign, binarized MLP, digits, full length."""
    run_dir = tmp_path / "default"
    result = run_cli([f"hydra.run.dir={run_dir}", "callbacks.progress_bar=null"], tmp_path)
    assert f"Run dir: {run_dir}" in result.stdout
    assert metrics(run_dir)["test/acc"] >= 0.95


def test_same_seed_same_result_other_seed_other_result(tmp_path):
    first = metrics(tiny_run(tmp_path, "seed=7", name="first"))
    again = metrics(tiny_run(tmp_path, "seed=7", name="again"))
    other = metrics(tiny_run(tmp_path, "seed=8", name="other"))
    assert first == again
    assert first["test/loss"] != other["test/loss"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("quantizer.beta=0", "quantizer.beta=0 is not allowed"),
        ("quantizer.beta=-1", "quantizer.beta=-1 is not allowed"),
        ("quantizer.beta=nan", "quantizer.beta=nan is not allowed"),
        ("quantizer.beta=abc", "quantizer.beta='abc' is not allowed"),
        ("quantizer=sign quantizer.threshold=-2", "quantizer.threshold=-2 is not allowed"),
        ("model.fp_activation=tanh", "model.fp_activation='tanh' is not allowed"),
    ],
)
def test_bad_values_fail_before_training_with_key_and_value(tmp_path, override, message):
    run_dir = tmp_path / "bad"
    result = run_cli([*override.split(), f"hydra.run.dir={run_dir}"], tmp_path, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert message in output
    assert "must be" in output
    assert "Epoch" not in output and not (run_dir / "checkpoints").exists()
    assert not (run_dir / "wandb").exists()


def test_unknown_quantizer_lists_the_options(tmp_path):
    result = run_cli(["quantizer=nosuch"], tmp_path, check=False)
    assert result.returncode != 0
    assert "Could not find 'quantizer/nosuch'" in result.stderr
    for option in ("approxsign", "fp", "sign", "swishsign"):
        assert option in result.stderr


def test_the_digits_study_experiment_runs_as_a_sweep(tmp_path):
    sweep_dir = tmp_path / "sweep"
    run_cli(
        [
            "experiment=swishsign_vs_ste_digits",
            "debug=fdr",
            "logger=csv",
            "callbacks.progress_bar=null",
            f"hydra.sweep.dir={sweep_dir}",
        ],
        tmp_path,
    )
    with open(sweep_dir / "results.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 12 and all(row["status"] == "ok" for row in rows)
    assert {row["quantizer"] for row in rows} == {"sign", "approxsign", "swishsign", "fp"}


def test_multirun_over_quantizers(tmp_path):
    sweep_dir = tmp_path / "sweep"
    run_cli(
        ["-m", "quantizer=sign,fp", "debug=fdr", "logger=csv", f"hydra.sweep.dir={sweep_dir}"],
        tmp_path,
    )
    for job in ("0", "1"):
        assert "test/acc" in metrics(sweep_dir / job)
