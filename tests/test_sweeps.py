"""Multiruns through the real command line: the results table, failures, Optuna, the
joblib and submitit launchers, DDP on the CPU, and re-running a job from the table."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from bnnlab.callbacks import read_histograms
from bnnlab.wandb_offline import find_run_file, read_records
from tests.conftest import TINY_RUN, run_cli

pytestmark = pytest.mark.slow

ONE_EPOCH = [
    "trainer.max_epochs=1",
    "+trainer.limit_train_batches=3",
    "+trainer.limit_val_batches=2",
    "+trainer.limit_test_batches=2",
    "callbacks.progress_bar=null",
]


def sweep(tmp_path: Path, *args: str, check: bool = True):
    sweep_dir = tmp_path / "sweep"
    result = run_cli(
        ["-m", *ONE_EPOCH, *args, f"hydra.sweep.dir={sweep_dir}"], tmp_path, check=check
    )
    return sweep_dir, result


def results(sweep_dir: Path) -> list[dict[str, str]]:
    with open(sweep_dir / "results.csv") as handle:
        return list(csv.DictReader(handle))


def test_grid_sweep_writes_one_row_per_job_and_groups_wandb_runs(tmp_path):
    sweep_dir, _ = sweep(tmp_path, "quantizer=sign,swishsign", "seed=0,1")
    rows = results(sweep_dir)
    assert [(row["job"], row["quantizer"], row["seed"]) for row in rows] == [
        ("0", "sign", "0"),
        ("1", "sign", "1"),
        ("2", "swishsign", "0"),
        ("3", "swishsign", "1"),
    ]
    for row in rows:
        assert row["status"] == "ok" and row["error"] == ""
        assert 0 <= float(row["test/acc"]) <= 1 and float(row["val/acc_best"]) >= 0
        assert Path(row["run_dir"]) == sweep_dir / row["job"]
    records = read_records(find_run_file(sweep_dir / "2"))
    run = next(record.run for record in records if record.HasField("run"))
    assert run.run_group == sweep_dir.name
    config = {
        item.key: json.loads(item.value_json)
        for record in records
        if record.HasField("config")
        for item in record.config.update
    }
    assert config["quantizer"] == {
        "_target_": "bnnlab.quantizers.SwishSign",
        "_partial_": True,
        "beta": 5.0,
        "fused": "auto",
        "save_dtype": None,
    }  # nested, not flattened
    assert config["seed"] == 0 and config["tags"] == ["dev"]


def test_a_failing_job_is_recorded_and_the_others_finish(tmp_path):
    sweep_dir, result = sweep(tmp_path, "quantizer.beta=5,-1,10", check=False)
    assert result.returncode != 0  # the basic sweeper reports the failure at the end
    rows = {row["quantizer.beta"]: row for row in results(sweep_dir)}
    assert rows["-1"]["status"] == "failed"
    assert rows["-1"]["error_type"] == "ConfigValueError"
    assert "quantizer.beta=-1 is not allowed" in rows["-1"]["error"]
    assert rows["-1"]["test/acc"] == ""
    for beta in ("5", "10"):
        assert rows[beta]["status"] == "ok" and float(rows[beta]["test/acc"]) >= 0


def test_optuna_search_and_resume(tmp_path):
    args = ["hparams_search=swishsign_optuna", "hydra.sweeper.n_trials=3", "logger=csv"]
    sweep_dir, _ = sweep(tmp_path, *args)
    rows = results(sweep_dir)
    assert len(rows) == 3 and all(row["status"] == "ok" for row in rows)
    assert all(0.5 <= float(row["quantizer.beta"]) <= 20 for row in rows)
    storage = sweep_dir / "optuna.sqlite"
    assert storage.is_file()
    # resume: same sweep dir, two more trials; the first three stay on disk and in the study
    sweep(tmp_path, *args[:1], "hydra.sweeper.n_trials=2", "logger=csv")
    assert len(results(sweep_dir)) == 5
    with sqlite3.connect(storage) as connection:
        states = [state for (state,) in connection.execute("SELECT state FROM trials")]
    assert states == ["COMPLETE"] * 5


@pytest.mark.parametrize(
    "launcher",
    [["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"], ["hydra/launcher=submitit_local"]],
)
def test_parallel_launchers(tmp_path, launcher):
    sweep_dir, _ = sweep(tmp_path, *launcher, "quantizer=sign,fp", "logger=csv")
    rows = results(sweep_dir)
    assert [row["quantizer"] for row in rows] == ["sign", "fp"]
    assert all(row["status"] == "ok" and row["test/acc"] for row in rows)


def test_ddp_on_two_cpu_processes_logs_and_writes_once(tmp_path):
    run_dir = tmp_path / "ddp"
    run_cli(
        [
            *TINY_RUN,
            "trainer=ddp_cpu",
            "callbacks.gradient_logging.every_n_steps=1",
            f"hydra.run.dir={run_dir}",
        ],
        tmp_path,
    )
    assert "test/acc" in json.loads((run_dir / "metrics.json").read_text())
    assert len(list((run_dir / "wandb").glob("offline-run-*"))) == 1
    histograms = read_histograms(run_dir / "histograms.sqlite")
    assert histograms.groupby(["key", "step"]).size().eq(1).all()
    assert len(histograms.step.unique()) == 6


def test_a_job_rerun_from_the_table_reproduces_its_metrics(tmp_path):
    sweep_dir, _ = sweep(tmp_path, "quantizer=approxsign", "seed=3,4", "logger=csv")
    row = results(sweep_dir)[1]
    again = tmp_path / "again"
    run_cli(
        [
            *ONE_EPOCH,
            "logger=csv",
            f"quantizer={row['quantizer']}",
            f"seed={row['seed']}",
            f"hydra.run.dir={again}",
        ],
        tmp_path,
    )
    rerun = json.loads((again / "metrics.json").read_text())
    assert rerun["test/acc"] == pytest.approx(float(row["test/acc"]), abs=0)
    assert rerun["test/loss"] == pytest.approx(float(row["test/loss"]), rel=1e-12)
