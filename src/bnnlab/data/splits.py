"""Seeded, stratified train/val/test splits shared by the datamodules."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split


def stratified_split(
    labels: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(keep, held_out)`` with ``fraction`` of each class held out, the same
    for the same ``seed`` whatever the run's own seed."""
    indices = np.arange(len(labels))
    keep, held_out = train_test_split(
        indices, test_size=fraction, random_state=seed, stratify=labels
    )
    return np.sort(keep), np.sort(held_out)
