"""A real run through train.py: what the instruments leave in W&B's offline files, the
CSV log and the local histogram file."""

from __future__ import annotations

import csv
from pathlib import Path

import hydra
import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

from bnnlab.callbacks import read_histograms, read_scalars
from bnnlab.layers import QActivation, QuantizedLayer
from bnnlab.wandb_offline import find_run_file, read_history
from tests.conftest import TINY_RUN, run_cli

pytestmark = pytest.mark.slow

EVERY_STEP = "callbacks.gradient_logging.every_n_steps=1"


def expected_sizes(run_dir: Path, batch_size: int) -> dict[str, int]:
    """Element counts of each logged tensor, from the run's own config and model."""
    cfg = OmegaConf.load(run_dir / ".hydra" / "config.yaml")
    model = hydra.utils.instantiate(
        cfg.model,
        input_shape=(1, 8, 8),
        num_classes=10,
        quantizer=hydra.utils.instantiate(cfg.quantizer),
    )
    sizes, hooks = {}, []
    for path, module in model.named_modules():
        if isinstance(module, QActivation) and module.is_binary:

            def record(m, inputs, out, path=f"model.{path}"):
                sizes[f"quantizer_grads/{path}"] = inputs[0].numel()
                sizes[f"quantizer_inputs/{path}"] = inputs[0].numel()

            hooks.append(module.register_forward_hook(record))
        if isinstance(module, QuantizedLayer) and module.has_binary_weights:
            sizes[f"gradients/model.{path}.weight"] = module.weight.numel()
    model(torch.zeros(batch_size, 1, 8, 8))
    return sizes


@pytest.mark.parametrize("model", ["model=mlp model.hidden_sizes=[32,32,32]", "model=cnn"])
def test_wandb_offline_files_hold_every_histogram(tmp_path, model):
    run_dir = tmp_path / "run"
    run_cli([*TINY_RUN, *model.split(), EVERY_STEP, f"hydra.run.dir={run_dir}"], tmp_path)
    sizes = expected_sizes(run_dir, batch_size=64)
    binarized = {key for key in sizes if key.startswith("gradients/")}
    assert len(binarized) == 2  # both models have two binarized layers
    history = read_history(find_run_file(run_dir / "wandb"))
    logged = {
        (key, row["trainer/global_step"]): value
        for row in history
        for key, value in row.items()
        if isinstance(value, dict) and value.get("_type") == "histogram"
    }
    steps = sorted({step for _, step in logged})
    assert steps == [0, 1, 2, 3, 4, 5]  # 2 epochs x 3 batches, every step
    local = read_histograms(run_dir / "histograms.sqlite")
    assert len(local) == len(logged)
    for row in local.itertuples():
        wandb_histogram = logged[(row.key, row.step)]
        np.testing.assert_allclose(wandb_histogram["values"], np.nan_to_num(row.counts))
        np.testing.assert_allclose(wandb_histogram["bins"], row.edges)
        if row.key in sizes:
            assert row.counts.sum() == sizes[row.key], row.key
    for key in sizes:  # both prefixes, every binarized layer, every step
        assert all((key, step) in logged for step in steps), key
    scalars = read_scalars(run_dir / "histograms.sqlite")
    last = {key: value for row in history for key, value in row.items()}
    for row in scalars.drop_duplicates("key", keep="last").itertuples():
        assert last[row.key] == pytest.approx(row.value)


def test_fast_dev_run_logs_its_one_step_locally(tmp_path):
    run_dir = tmp_path / "run"
    run_cli(["debug=fdr", f"hydra.run.dir={run_dir}"], tmp_path)
    local = read_histograms(run_dir / "histograms.sqlite")
    assert local.step.unique().tolist() == [0]
    assert {key.split("/")[0] for key in local.key} == {
        "gradients",
        "quantizer_grads",
        "quantizer_inputs",
        "quantizer_grad_scale",
    }


def test_csv_logger_only_gets_the_scalars(tmp_path):
    run_dir = tmp_path / "run"
    run_cli([*TINY_RUN, "logger=csv", EVERY_STEP, f"hydra.run.dir={run_dir}"], tmp_path)
    assert not (run_dir / "wandb").exists()
    with open(run_dir / "csv" / "metrics.csv") as handle:
        columns = next(csv.reader(handle))
    assert "quantizer_grad_zero_fraction/model.layers.fc2.input_quantizer" in columns
    assert "flip_ratio/model.layers.fc2" in columns
    assert len(read_histograms(run_dir / "histograms.sqlite")) > 0


def test_no_logger_keeps_the_local_file(tmp_path):
    run_dir = tmp_path / "run"
    run_cli([*TINY_RUN, "logger=none", EVERY_STEP, f"hydra.run.dir={run_dir}"], tmp_path)
    assert not (run_dir / "wandb").exists() and not (run_dir / "csv").exists()
    assert len(read_scalars(run_dir / "histograms.sqlite")) > 0
