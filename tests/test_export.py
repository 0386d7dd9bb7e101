"""Bit-packed export: the same predictions from a fraction of the size; bad files."""

from __future__ import annotations

import pytest
import torch
from omegaconf import OmegaConf

from bnnlab.checkpoints import CheckpointError, load_checkpoint
from bnnlab.data import DigitsDataModule
from bnnlab.experiment import build_model
from bnnlab.export import ExportError, _model_state, export_checkpoint, load_exported
from tests.conftest import TINY_RUN, run_cli

pytestmark = pytest.mark.slow


def trained_model(run_dir):
    config = OmegaConf.load(run_dir / ".hydra" / "config.yaml")
    model = build_model(config, (1, 8, 8), 10)
    model.load_state_dict(_model_state(load_checkpoint(run_dir / "checkpoints" / "last.ckpt")))
    return model.eval()


@pytest.mark.parametrize(
    "overrides",
    [
        ["model=mlp"],
        ["model=cnn", "model.weight_scale=mean", "model.pad_value=-1"],
        ["model=mlp", "model.weight_scale=learned", "quantizer=sign"],
    ],
)
def test_export_load_same_predictions_and_size(tmp_path, overrides):
    run_dir = tmp_path / "run"
    run_cli([*TINY_RUN, *overrides, f"hydra.run.dir={run_dir}"], tmp_path)
    checkpoint = run_dir / "checkpoints" / "last.ckpt"
    exported = export_checkpoint(checkpoint, tmp_path / "model.bnn")
    inference = load_exported(exported)
    reference = trained_model(run_dir)
    datamodule = DigitsDataModule()
    datamodule.setup("test")
    inputs = datamodule.datasets["test"].tensors[0]
    with torch.no_grad():
        assert torch.equal(inference(inputs).argmax(1), reference(inputs).argmax(1))
        torch.testing.assert_close(inference(inputs), reference(inputs), rtol=1e-4, atol=1e-4)
    # the binarized layers' weights: 1 bit instead of 32
    packed = torch.load(exported, weights_only=True)["packed"]
    float_bytes = sum(4 * torch.Size(p["shape"]).numel() for p in packed.values())
    packed_bytes = sum(p["bits"].numel() for p in packed.values())
    assert float_bytes / packed_bytes >= 20
    assert exported.stat().st_size < checkpoint.stat().st_size


def test_bad_files_are_refused(tmp_path):
    run_dir = tmp_path / "run"
    run_cli([*TINY_RUN, "model=cnn", f"hydra.run.dir={run_dir}"], tmp_path)
    corrupt = tmp_path / "corrupt.ckpt"
    corrupt.write_bytes(b"\x00" * 100)
    with pytest.raises(CheckpointError, match="not a readable Lightning checkpoint"):
        export_checkpoint(corrupt, tmp_path / "x.bnn", run_dir / ".hydra" / "config.yaml")
    other = tmp_path / "other"
    run_cli([*TINY_RUN, "debug=fdr", f"hydra.run.dir={other}"], tmp_path)  # an MLP
    with pytest.raises(CheckpointError, match="does not fit the model"):
        export_checkpoint(
            run_dir / "checkpoints" / "last.ckpt",
            tmp_path / "x.bnn",
            other / ".hydra" / "config.yaml",
        )
    with pytest.raises(ExportError, match="not a readable bnnlab export"):
        load_exported(corrupt)
    not_export = tmp_path / "dict.bnn"
    torch.save({"format": "something else"}, not_export)
    with pytest.raises(ExportError, match="not a bnnlab export"):
        load_exported(not_export)
