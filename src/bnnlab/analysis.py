"""Load runs and sweeps into pandas for notebooks: no W&B server needed.

A run dir holds ``.hydra/config.yaml``, ``metrics.json``, ``csv/metrics.csv`` and
``histograms.sqlite``; a sweep dir holds one run dir per job (``<sweep>/<job>/``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from bnnlab.callbacks.store import read_histograms, read_scalars
from bnnlab.run_files import METRICS_FILE
from bnnlab.sweeps import collect_results

CONFIG_FILE = Path(".hydra") / "config.yaml"
HISTOGRAM_FILE = "histograms.sqlite"


class NotARunError(FileNotFoundError):
    """A directory that is neither a run dir nor a sweep dir."""


def is_run_dir(path: str | os.PathLike) -> bool:
    return (Path(path) / CONFIG_FILE).is_file()


def flat_config(run_dir: str | os.PathLike) -> dict[str, object]:
    """The run's composed config as ``{"quantizer.beta": 5.0, ...}`` (interpolations of
    Hydra's runtime, such as paths, left unresolved)."""
    config = OmegaConf.load(Path(run_dir) / CONFIG_FILE)
    flat: dict[str, object] = {}

    def walk(node: object, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{prefix}{key}.")
        else:
            flat[prefix[:-1]] = node if not isinstance(node, list) else str(node)

    walk(OmegaConf.to_container(config, resolve=False), "")
    return flat


def quantizer_label(config: dict[str, object]) -> str:
    """``"swishsign (beta=5)"``, ``"sign"``, ...: the quantizer as a plot legend says it."""
    name = str(config.get("quantizer._target_", "?")).rsplit(".", 1)[-1].lower()
    name = {"identity": "fp"}.get(name, name)
    return f"{name} (beta={config['quantizer.beta']:g})" if "quantizer.beta" in config else name


@dataclass
class Run:
    """One run: its flat config, final metrics, per-epoch metrics and histograms."""

    path: Path
    config: dict[str, object]
    metrics: dict[str, float | None]
    epochs: pd.DataFrame = field(repr=False)
    histograms: pd.DataFrame = field(repr=False)
    scalars: pd.DataFrame = field(repr=False)

    @property
    def label(self) -> str:
        return quantizer_label(self.config)


def load_run(run_dir: str | os.PathLike) -> Run:
    """The run in ``run_dir``; a ``NotARunError`` if it has no ``.hydra/config.yaml``."""
    path = Path(run_dir)
    if not is_run_dir(path):
        raise NotARunError(f"{path} is not a run dir: it has no {CONFIG_FILE}")
    metrics_path = path / METRICS_FILE
    histogram_path = path / HISTOGRAM_FILE
    return Run(
        path=path,
        config=flat_config(path),
        metrics=json.loads(metrics_path.read_text()) if metrics_path.is_file() else {},
        epochs=_epoch_metrics(path / "csv" / "metrics.csv"),
        histograms=read_histograms(histogram_path) if histogram_path.is_file() else pd.DataFrame(),
        scalars=read_scalars(histogram_path) if histogram_path.is_file() else pd.DataFrame(),
    )


def _epoch_metrics(csv_path: Path) -> pd.DataFrame:
    """One row per epoch from the CSV logger's file (its rows are per logging call)."""
    if not csv_path.is_file():
        return pd.DataFrame()
    frame = pd.read_csv(csv_path)
    columns = [c for c in frame.columns if c.endswith("_epoch") or c.startswith("val/")]
    if "epoch" not in frame or not columns:
        return pd.DataFrame()
    per_epoch = frame.dropna(subset=["epoch"]).groupby("epoch")[columns].max(min_count=1)
    per_epoch.columns = [c.removesuffix("_epoch") for c in per_epoch.columns]
    return per_epoch.dropna(how="all").reset_index()


def load_sweep(sweep_dir: str | os.PathLike) -> pd.DataFrame:
    """One row per job: ``job``, ``status``, ``error``, the final metrics, ``run_dir``,
    ``quantizer_label`` and the flat config of each job (a column per setting)."""
    path = Path(sweep_dir)
    rows = collect_results(path) if path.is_dir() else []
    if not rows:
        raise NotARunError(f"{path} is not a sweep dir: no job dirs with {CONFIG_FILE.parent}/")
    records = []
    for row in rows:
        config = flat_config(row["run_dir"]) if is_run_dir(row["run_dir"]) else {}
        metrics = {key: value for key, value in row.items() if "/" in key}
        records.append(
            {
                "job": row["job"],
                "status": row["status"],
                "error": row["error"],
                **metrics,
                "quantizer_label": quantizer_label(config),
                "run_dir": row["run_dir"],
                **{f"config.{key}": value for key, value in config.items()},
            }
        )
    return pd.DataFrame.from_records(records)


def load_runs(sweep_dir: str | os.PathLike) -> list[Run]:
    """Every job of a sweep as a ``Run`` (histograms and curves included)."""
    return [load_run(run_dir) for run_dir in load_sweep(sweep_dir).run_dir]


def summarize(sweep: pd.DataFrame, metric: str = "test/acc") -> pd.DataFrame:
    """Mean, standard deviation and count of ``metric`` per quantizer over the ``ok`` jobs."""
    done = sweep[sweep.status == "ok"]
    table = done.groupby("quantizer_label")[metric].agg(["mean", "std", "count"])
    return table.sort_values("mean", ascending=False)
