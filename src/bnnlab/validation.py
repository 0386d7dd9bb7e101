"""Checks of user-supplied values, each raising a ``ConfigValueError`` that names the
key, the value and what is allowed. One place, so every component words it alike."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from bnnlab.errors import ConfigValueError


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def positive_finite(key: str, value: Any, allow_none: bool = False) -> float | None:
    """``value`` as a float if it is a finite number > 0 (or None, if allowed)."""
    if value is None and allow_none:
        return None
    if not (_is_number(value) and math.isfinite(value) and value > 0):
        raise ConfigValueError(key, value, "a finite number > 0" + (", or null" * allow_none))
    return float(value)


def open_fraction(key: str, value: Any) -> float:
    """``value`` as a float if it lies strictly between 0 and 1."""
    if not (_is_number(value) and 0 < value < 1):
        raise ConfigValueError(key, value, "a number strictly between 0 and 1")
    return float(value)


def integer_in_range(key: str, value: Any, low: int, high: int | None = None) -> int:
    """``value`` if it is an integer in ``[low, high]`` (no upper bound for None)."""
    if (
        not (isinstance(value, int) and not isinstance(value, bool))
        or value < low
        or (high is not None and value > high)
    ):
        allowed = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"
        raise ConfigValueError(key, value, allowed)
    return value


def one_of(key: str, value: Any, choices: Collection[Any]) -> Any:
    """``value`` if it is one of ``choices``."""
    if value not in choices:
        raise ConfigValueError(key, value, f"one of {sorted(choices, key=str)}")
    return value
