"""The results table's parsing and column order."""

from __future__ import annotations

from bnnlab.sweeps import _columns, parse_overrides


def test_overrides_become_columns_without_prefixes():
    assert parse_overrides(["quantizer=sign", "+trainer.x=1", "seed=0", "a.b=c=d"]) == {
        "quantizer": "sign",
        "trainer.x": "1",
        "seed": "0",
        "a.b": "c=d",
    }


def test_columns_job_overrides_status_metrics_run_dir():
    rows = [
        {
            "job": "0",
            "seed": "1",
            "status": "ok",
            "error_type": "",
            "error": "",
            "test/acc": 0.9,
            "val/acc_best": 0.8,
            "run_dir": "x",
        },
        {
            "job": "1",
            "quantizer": "fp",
            "seed": "2",
            "status": "failed",
            "error_type": "E",
            "error": "m",
            "run_dir": "y",
        },
    ]
    assert _columns(rows) == [
        "job",
        "seed",
        "quantizer",
        "status",
        "error_type",
        "error",
        "test/acc",
        "val/acc_best",
        "run_dir",
    ]
