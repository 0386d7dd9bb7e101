"""Side-by-side timing: variants interleaved, so drifts in machine load hit all alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def interleaved_medians(
    variants: dict[str, Callable[[], float | None]], repeats: int, warmup: int = 1
) -> dict[str, float]:
    """Median time (s) of each variant, run in alternating order ``repeats`` times after ``warmup``
    untimed rounds. A variant that returns a number reports its own time (a part of
    the call); otherwise the whole call is timed."""
    for _ in range(warmup):
        for run in variants.values():
            run()
    times: dict[str, list[float]] = {name: [] for name in variants}
    order = list(variants.items())
    for round_index in range(repeats):
        # ABBA order: whatever one run leaves behind (a W&B process still flushing, a
        # warm cache) falls on each variant alike
        for name, run in order if round_index % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            reported = run()
            elapsed = time.perf_counter() - start
            times[name].append(elapsed if reported is None else float(reported))
    return {name: statistics.median(values) for name, values in times.items()}


def print_table(title: str, rows: list[dict[str, object]]) -> None:
    """A plain aligned table: one dict per row, keys as headers."""
    headers = list(rows[0])
    cells = [[_format(row[h]) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def _format(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)
