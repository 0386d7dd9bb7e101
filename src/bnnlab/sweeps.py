"""A sweep's results table, kept up to date by a Hydra callback.

Each job leaves ``<job dir>/job_status.json`` (``ok``, or ``failed`` with the
exception's type and message) beside its ``metrics.json``; ``results.csv`` in the
sweep dir is rebuilt from those files after every job and at the end of the sweep,
so it survives failed jobs, an interrupted sweep and jobs that ran in other
processes or on other machines (joblib, submitit).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, JobStatus
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from bnnlab.run_files import METRICS_FILE, write_json_atomically, write_text_atomically

log = logging.getLogger(__name__)

STATUS_FILE = "job_status.json"
RESULTS_FILE = "results.csv"
OVERRIDES_FILE = Path(".hydra") / "overrides.yaml"


def job_status(job_return: JobReturn) -> dict[str, Any]:
    """``{"status": "ok"}``, or ``"failed"`` with the exception's type and message."""
    if job_return.status == JobStatus.COMPLETED:
        return {"status": "ok"}
    error = job_return._return_value  # JobReturn keeps the exception; .return_value re-raises
    return {
        "status": "failed",
        "error_type": type(error).__name__,
        "error": str(error).strip(),
    }


def parse_overrides(lines: list[str]) -> dict[str, str]:
    """``["quantizer=sign", "+trainer.x=1"]`` -> ``{"quantizer": "sign", "trainer.x": "1"}``."""
    parsed = {}
    for line in lines:
        key, _, value = line.partition("=")
        parsed[key.lstrip("+~")] = value
    return parsed


def collect_results(sweep_dir: str | os.PathLike) -> list[dict[str, Any]]:
    """One row per job dir under ``sweep_dir`` (a dir with ``.hydra/overrides.yaml``):
    ``job``, each override, ``status`` (``ok``, ``failed``, or ``incomplete`` for a job
    that was interrupted or is still running), ``error_type``, ``error``, its final
    metrics, ``run_dir``; in job order."""
    rows = []
    for overrides_path in Path(sweep_dir).glob(f"*/{OVERRIDES_FILE}"):
        job_dir = overrides_path.parent.parent
        row: dict[str, Any] = {"job": job_dir.name}
        row.update(parse_overrides(OmegaConf.to_container(OmegaConf.load(overrides_path))))
        status_path, metrics_path = job_dir / STATUS_FILE, job_dir / METRICS_FILE
        status = json.loads(status_path.read_text()) if status_path.is_file() else {}
        row["status"] = status.get("status", "incomplete")
        row["error_type"] = status.get("error_type", "")
        row["error"] = status.get("error", "")
        if metrics_path.is_file():
            row.update(json.loads(metrics_path.read_text()))
        row["run_dir"] = str(job_dir)
        rows.append(row)
    return sorted(rows, key=lambda row: _job_order(row["job"]))


def _job_order(name: str) -> tuple[int, str]:
    number = name.split("_")[0]
    return (int(number) if number.isdigit() else -1, name)


def write_results(sweep_dir: str | os.PathLike) -> Path | None:
    """Rebuild ``<sweep_dir>/results.csv`` (atomically); None if no job is there yet."""
    rows = collect_results(sweep_dir)
    if not rows:
        return None
    columns = _columns(rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    path = Path(sweep_dir) / RESULTS_FILE
    write_text_atomically(path, buffer.getvalue())
    return path


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    """job, overrides (first-seen order), status, error_type, error, metrics, run_dir."""
    fixed = ["job", "status", "error_type", "error", "run_dir"]
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    metric_columns = sorted(key for key in seen if "/" in key)
    override_columns = [key for key in seen if key not in fixed and key not in metric_columns]
    return ["job", *override_columns, "status", "error_type", "error", *metric_columns, "run_dir"]


class ResultsTable(Callback):
    """Hydra callback: records each job's status and keeps ``results.csv`` current.

    Also creates the sweep dir when a multirun starts: the Optuna sweeper opens its
    SQLite storage inside it before Hydra would create it.
    """

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        Path(config.hydra.sweep.dir).mkdir(parents=True, exist_ok=True)

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        hydra = HydraConfig.get()
        write_json_atomically(Path(hydra.runtime.output_dir) / STATUS_FILE, job_status(job_return))
        if hydra.mode == RunMode.MULTIRUN:
            write_results(hydra.sweep.dir)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        path = write_results(Path(config.hydra.sweep.dir))
        if path is not None:
            log.info("Results table: %s", path)
