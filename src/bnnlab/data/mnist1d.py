"""MNIST-1D (Greydanus, 2020): 1D digit templates, shifted, scaled, sheared and noised.

Generated offline by the ``mnist1d`` package (``make_dataset(get_dataset_args())``,
the standard 4,000/1,000 split, about 1 s) and cached in ``data_dir``. Small, yet
unlike the 8x8 digits it separates quantizers: binarized networks land well below
full precision on it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import TensorDataset

from bnnlab.data.base import SplitDataModule
from bnnlab.data.splits import stratified_split
from bnnlab.validation import integer_in_range, open_fraction


def generate_mnist1d(seed: int = 42) -> dict[str, np.ndarray]:
    """The standard MNIST-1D arrays (``x``, ``y``, ``x_test``, ``y_test``) for ``seed``."""
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.seed = seed
    data = make_dataset(args)
    return {key: np.asarray(data[key]) for key in ("x", "y", "x_test", "y_test")}


def cached_mnist1d(data_dir: str | os.PathLike, seed: int = 42) -> dict[str, np.ndarray]:
    """The arrays from ``<data_dir>/mnist1d/mnist1d_seed<seed>.npz``, generated and
    written there (atomically) on first use."""
    path = Path(data_dir) / "mnist1d" / f"mnist1d_seed{seed}.npz"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(temporary, **generate_mnist1d(seed))
        os.replace(temporary, path)
    with np.load(path) as arrays:
        return {key: arrays[key] for key in arrays.files}


class MNIST1DDataModule(SplitDataModule):
    """MNIST-1D as ``(1, 40)`` float sequences, standardised with the training split's
    statistics; ``val_fraction`` of the 4,000 training sequences (stratified, fixed by
    ``split_seed``) validate, the 1,000 test sequences test.

    Args:
        data_dir: where the generated arrays are cached.
        dataset_seed: the generator's seed (42 gives the standard dataset).
    """

    input_shape = (1, 40)
    num_classes = 10

    def __init__(
        self,
        data_dir: str | os.PathLike = "data",
        batch_size: int = 100,
        num_workers: int = 0,
        val_fraction: float = 0.1,
        split_seed: int = 0,
        dataset_seed: int = 42,
    ) -> None:
        super().__init__()
        integer_in_range("batch_size", batch_size, 1)
        integer_in_range("num_workers", num_workers, 0)
        open_fraction("val_fraction", val_fraction)
        self.save_hyperparameters(logger=False)

    def prepare_data(self) -> None:
        cached_mnist1d(self.hparams.data_dir, self.hparams.dataset_seed)

    def setup(self, stage: str | None = None) -> None:
        if self.datasets:
            return
        arrays = cached_mnist1d(self.hparams.data_dir, self.hparams.dataset_seed)
        train, val = stratified_split(
            arrays["y"], self.hparams.val_fraction, self.hparams.split_seed
        )
        mean, std = arrays["x"][train].mean(), arrays["x"][train].std()

        def dataset(x: np.ndarray, y: np.ndarray) -> TensorDataset:
            inputs = torch.from_numpy(((x - mean) / std).astype(np.float32)).unsqueeze(1)
            return TensorDataset(inputs, torch.from_numpy(y.astype(np.int64)))

        self.datasets = {
            "train": dataset(arrays["x"][train], arrays["y"][train]),
            "val": dataset(arrays["x"][val], arrays["y"][val]),
            "test": dataset(arrays["x_test"], arrays["y_test"]),
        }
