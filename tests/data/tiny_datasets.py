"""Tiny datasets written in the real on-disk formats that torchvision reads."""

from __future__ import annotations

import pickle
import struct
from pathlib import Path

import numpy as np


def write_idx(folder: Path, prefix: str, count: int, seed: int) -> None:
    """MNIST's IDX files (uncompressed, as torchvision keeps them in ``raw/``)."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
    labels = np.arange(count, dtype=np.uint8) % 10
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{prefix}-images-idx3-ubyte").write_bytes(
        struct.pack(">IIII", 2051, count, 28, 28) + images.tobytes()
    )
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(
        struct.pack(">II", 2049, count) + labels.tobytes()
    )


def write_mnist(root: Path, name: str = "MNIST", train: int = 64, test: int = 32) -> None:
    write_idx(root / name / "raw", "train", train, seed=0)
    write_idx(root / name / "raw", "t10k", test, seed=1)


def _cifar_batch(count: int, classes: int, seed: int, label_key: str) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "data": rng.integers(0, 256, size=(count, 3 * 32 * 32), dtype=np.uint8),
        label_key: [int(i % classes) for i in range(count)],
    }


def _dump(path: Path, data: dict) -> None:
    with open(path, "wb") as handle:
        pickle.dump(data, handle)


def write_cifar10(root: Path, per_batch: int = 16, test: int = 32) -> None:
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(1, 6):
        _dump(folder / f"data_batch_{index}", _cifar_batch(per_batch, 10, index, "labels"))
    _dump(folder / "test_batch", _cifar_batch(test, 10, 0, "labels"))
    _dump(folder / "batches.meta", {"label_names": [f"c{i}" for i in range(10)]})


def write_cifar100(root: Path, train: int = 80, test: int = 32) -> None:
    folder = root / "cifar-100-python"
    folder.mkdir(parents=True, exist_ok=True)
    _dump(folder / "train", _cifar_batch(train, 100, 0, "fine_labels"))
    _dump(folder / "test", _cifar_batch(test, 100, 1, "fine_labels"))
    _dump(folder / "meta", {"fine_label_names": [f"c{i}" for i in range(100)]})
