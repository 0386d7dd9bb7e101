"""What every bnnlab datamodule shares: three named splits and their loaders."""

from __future__ import annotations

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset


class SplitDataModule(L.LightningDataModule):
    """A datamodule whose ``setup`` fills ``self.datasets`` with ``"train"``, ``"val"``
    and ``"test"``; loaders follow the hyperparameters ``batch_size``, ``num_workers``
    and (optionally) ``pin_memory``, and shuffle the training split only."""

    def __init__(self) -> None:
        super().__init__()
        self.datasets: dict[str, Dataset] = {}

    def _loader(self, split: str, shuffle: bool = False) -> DataLoader:
        workers = self.hparams.num_workers
        return DataLoader(
            self.datasets[split],
            batch_size=self.hparams.batch_size,
            shuffle=shuffle,
            num_workers=workers,
            persistent_workers=workers > 0,
            pin_memory=self.hparams.get("pin_memory", False) and torch.cuda.is_available(),
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader("train", shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("val")

    def test_dataloader(self) -> DataLoader:
        return self._loader("test")
