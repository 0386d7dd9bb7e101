"""The run's local record of histograms and scalars, readable with no W&B server.

One SQLite file (``<run dir>/histograms.sqlite``): appended to at each logged step and
committed at once, so an interrupted run keeps every step logged before it stopped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd

from bnnlab.callbacks.histograms import Histogram

SCHEMA = """
CREATE TABLE IF NOT EXISTS histograms (
    key TEXT NOT NULL, step INTEGER NOT NULL, epoch INTEGER NOT NULL,
    counts BLOB NOT NULL, edges BLOB NOT NULL  -- float64 arrays, len(edges) = len(counts) + 1
);
CREATE TABLE IF NOT EXISTS scalars (
    key TEXT NOT NULL, step INTEGER NOT NULL, epoch INTEGER NOT NULL, value REAL
);
"""


class HistogramStore:
    """Appends histograms and scalars, one transaction per logged step."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(self.path)
        # WAL + synchronous=NORMAL: a commit is one append, no fsync; a killed process
        # still keeps every committed step (only an OS crash can lose the last few)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.executescript(SCHEMA)

    def write(
        self,
        step: int,
        epoch: int,
        histograms: Mapping[str, Histogram],
        scalars: Mapping[str, float],
    ) -> None:
        with self._connection:  # one transaction, committed on leaving
            self._connection.executemany(
                "INSERT INTO histograms VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        key,
                        step,
                        epoch,
                        h.counts.astype(np.float64).tobytes(),
                        h.edges.astype(np.float64).tobytes(),
                    )
                    for key, h in histograms.items()
                ],
            )
            self._connection.executemany(
                "INSERT INTO scalars VALUES (?, ?, ?, ?)",
                [(key, step, epoch, float(value)) for key, value in scalars.items()],
            )

    def close(self) -> None:
        self._connection.close()


def read_histograms(path: str | Path) -> pd.DataFrame:
    """One row per (key, step): columns ``key, step, epoch, counts, edges`` (arrays)."""
    with closing(_connect_read_only(path)) as connection:
        frame = pd.read_sql("SELECT * FROM histograms ORDER BY rowid", connection)
    for column in ("counts", "edges"):
        frame[column] = [np.frombuffer(blob, dtype=np.float64) for blob in frame[column]]
    return frame


def read_scalars(path: str | Path) -> pd.DataFrame:
    """One row per (key, step): columns ``key, step, epoch, value``."""
    with closing(_connect_read_only(path)) as connection:
        return pd.read_sql("SELECT * FROM scalars ORDER BY rowid", connection)


def _connect_read_only(path: str | Path) -> sqlite3.Connection:
    if not Path(path).is_file():
        raise FileNotFoundError(f"no histogram file at {path}")
    return sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
