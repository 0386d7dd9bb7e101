"""The files a run leaves in its run dir for later analysis (DESIGN.md: contracts)."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path

METRICS_FILE = "metrics.json"


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same dir, so a reader
    (or an interrupted run) never sees half a file; the process id keeps parallel
    writers (joblib jobs) off each other's temporary files."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def write_json_atomically(path: Path, data: object) -> None:
    write_text_atomically(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def write_metrics(run_dir: str | os.PathLike, metrics: Mapping[str, float]) -> Path:
    """``<run_dir>/metrics.json``: one JSON object of final metric names to numbers.

    Non-finite values (a diverged loss) are written as ``null``: JSON has no NaN.
    """
    path = Path(run_dir) / METRICS_FILE
    clean = {name: (value if math.isfinite(value) else None) for name, value in metrics.items()}
    write_json_atomically(path, clean)
    return path


def read_metrics(run_dir: str | os.PathLike) -> dict[str, float | None]:
    return json.loads((Path(run_dir) / METRICS_FILE).read_text())
