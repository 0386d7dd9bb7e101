"""`make bench`: every benchmark, or those named: python -m benchmarks callback_overhead"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["swishsign_kernels", "model_steps", "callback_overhead", "sweep_launchers"]


def main() -> None:
    names = sys.argv[1:] or BENCHMARKS
    for name in names:
        if name not in BENCHMARKS:
            raise SystemExit(f"unknown benchmark {name!r}: choose from {BENCHMARKS}")
        importlib.import_module(f"benchmarks.{name}").main([])


if __name__ == "__main__":
    main()
