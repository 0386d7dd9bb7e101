"""The analysis API on a real run dir and a real sweep dir, and the notebook executed
on a tiny real sweep."""

from __future__ import annotations

import pytest

from bnnlab.analysis import NotARunError, load_run, load_runs, load_sweep, summarize
from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

SHORT = [
    "trainer.max_epochs=2",
    "+trainer.limit_train_batches=4",
    "+trainer.limit_val_batches=2",
    "+trainer.limit_test_batches=2",
    "callbacks.progress_bar=null",
    "callbacks.gradient_logging.every_n_steps=2",
]


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory):
    """3 quantizers x 2 seeds on the digits, plus a job that fails."""
    root = tmp_path_factory.mktemp("study")
    sweep_dir = root / "sweep"
    run_cli(
        [
            "-m",
            *SHORT,
            "+study_arm=sign,swishsign_beta2,swishsign_beta5,fp",
            "seed=0,1",
            f"hydra.sweep.dir={sweep_dir}",
        ],
        root,
    )
    return sweep_dir


def test_load_sweep(tiny_sweep):
    sweep = load_sweep(tiny_sweep)
    assert len(sweep) == 8 and (sweep.status == "ok").all()
    assert set(sweep.quantizer_label) == {"sign", "swishsign (beta=2)", "swishsign (beta=5)", "fp"}
    assert set(sweep["config.seed"]) == {0, 1}
    assert sweep["config.quantizer.beta"].dropna().tolist().count(2) == 2
    table = summarize(sweep)
    assert table["count"].tolist() == [2, 2, 2, 2]
    assert table["mean"].between(0, 1).all()


def test_load_run(tiny_sweep):
    run = load_run(tiny_sweep / "2")
    assert run.label == "swishsign (beta=2)"
    assert run.metrics["test/acc"] == pytest.approx(load_sweep(tiny_sweep)["test/acc"][2])
    assert run.epochs.epoch.tolist() == [0, 1]
    assert {"train/loss", "val/acc"} <= set(run.epochs.columns)
    assert run.histograms.key.str.startswith("quantizer_grads/").any()
    assert run.scalars.key.str.startswith("flip_ratio/").any()
    assert len(load_runs(tiny_sweep)) == 8


def test_not_a_run_or_sweep(tmp_path):
    with pytest.raises(NotARunError, match="not a run dir"):
        load_run(tmp_path)
    with pytest.raises(NotARunError, match="not a sweep dir"):
        load_sweep(tmp_path)
    with pytest.raises(NotARunError, match="not a sweep dir"):
        load_sweep(tmp_path / "nosuch")


def test_the_notebook_runs_on_the_sweep_and_draws_every_figure(tiny_sweep, tmp_path):
    papermill = pytest.importorskip("papermill")
    figures = tmp_path / "figures"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "analysis.ipynb"),
        str(tmp_path / "out.ipynb"),
        parameters={"SWEEP_DIR": str(tiny_sweep), "FIGURE_DIR": str(figures)},
        kernel_name="python3",
        progress_bar=False,
    )
    assert sorted(path.stem for path in figures.glob("*.png")) == [
        "accuracy_vs_beta",
        "flip_ratio",
        "quantizer_gradients",
        "surrogate_derivatives",
        "training_curves",
    ]


def test_the_stored_notebook_has_no_outputs():
    import nbformat

    notebook = nbformat.read(ROOT / "notebooks" / "analysis.ipynb", as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "parameters" in code[0].metadata.get("tags", [])
