"""scikit-learn's bundled handwritten digits: the embedded default data, no network."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch.utils.data import TensorDataset

from bnnlab.data.base import SplitDataModule
from bnnlab.data.splits import stratified_split
from bnnlab.validation import open_fraction


class DigitsDataModule(SplitDataModule):
    """The 1,797 8x8 grey-scale digits of ``sklearn.datasets.load_digits``.

    Samples are ``(1, 8, 8)`` float tensors standardised with the training split's mean
    and standard deviation; labels 0-9. ``test_fraction`` of the data is held out for
    testing and ``val_fraction`` of the rest for validation, stratified by class and
    fixed by ``split_seed`` (not the run's seed: a sweep over seeds keeps one split).
    """

    input_shape = (1, 8, 8)
    num_classes = 10

    def __init__(
        self,
        batch_size: int = 64,
        num_workers: int = 0,
        val_fraction: float = 0.1,
        test_fraction: float = 0.2,
        split_seed: int = 0,
        pin_memory: bool = False,
    ) -> None:
        super().__init__()
        self.save_hyperparameters(logger=False)
        open_fraction("val_fraction", val_fraction)
        open_fraction("test_fraction", test_fraction)

    def setup(self, stage: str | None = None) -> None:
        if self.datasets:
            return
        digits = load_digits()
        images = digits.images.astype(np.float32)
        labels = digits.target.astype(np.int64)
        rest, test = stratified_split(labels, self.hparams.test_fraction, self.hparams.split_seed)
        train_in_rest, val_in_rest = stratified_split(
            labels[rest], self.hparams.val_fraction, self.hparams.split_seed
        )
        parts = {"train": rest[train_in_rest], "val": rest[val_in_rest], "test": test}
        mean, std = images[parts["train"]].mean(), images[parts["train"]].std()
        normalised = torch.from_numpy((images - mean) / std).unsqueeze(1)
        targets = torch.from_numpy(labels)
        self.datasets = {
            name: TensorDataset(normalised[index], targets[index]) for name, index in parts.items()
        }
