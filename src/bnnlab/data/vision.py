"""The standard BNN benchmarks through torchvision: MNIST, Fashion-MNIST, CIFAR-10/100."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import torch
from torch.utils.data import Dataset, Subset
from torchvision import datasets, transforms

from bnnlab.data.base import SplitDataModule
from bnnlab.validation import integer_in_range


class DatasetNotFoundError(FileNotFoundError):
    """The dataset is not on disk and could not be downloaded."""


class TorchvisionDataModule(SplitDataModule):
    """A torchvision classification dataset: its train split less ``val_size`` samples
    (held out with ``split_seed``, without augmentation) for training, those for
    validation, its test split for testing; normalised with the dataset's own
    per-channel mean and standard deviation.

    Subclasses set ``dataset_class``, ``input_shape``, ``num_classes``, ``mean``,
    ``std``, ``files`` (what must be under ``data_dir``) and ``augmentations``.

    Args:
        data_dir: where the dataset lives (or is downloaded to).
        download: fetch the dataset if it is not there.
        augment: apply the training augmentations (CIFAR: random crop with 4 pixels
            of padding and horizontal flips).
    """

    dataset_class: ClassVar[type[Dataset]]
    input_shape: ClassVar[tuple[int, int, int]]
    num_classes: ClassVar[int]
    mean: ClassVar[tuple[float, ...]]
    std: ClassVar[tuple[float, ...]]
    files: ClassVar[tuple[str, ...]]

    def __init__(
        self,
        data_dir: str | os.PathLike = "data",
        batch_size: int = 128,
        num_workers: int = 4,
        val_size: int = 5000,
        split_seed: int = 0,
        download: bool = True,
        augment: bool = True,
        pin_memory: bool = True,
    ) -> None:
        super().__init__()
        integer_in_range("batch_size", batch_size, 1)
        integer_in_range("num_workers", num_workers, 0)
        integer_in_range("val_size", val_size, 1)
        self.save_hyperparameters(logger=False)
        self.data_dir = Path(data_dir)

    @classmethod
    def augmentations(cls) -> list[torch.nn.Module]:
        return []

    def missing_files(self) -> list[Path]:
        return [path for path in (self.data_dir / name for name in self.files) if not path.exists()]

    def prepare_data(self) -> None:
        """Download if asked and needed (Lightning calls this on one process per node)."""
        if self.hparams.download and self.missing_files():
            try:
                for train in (True, False):
                    self.dataset_class(self.data_dir, train=train, download=True)
            except (OSError, RuntimeError) as error:
                raise self._not_found(f"downloading failed ({error})") from error
        self._check_present()

    def _check_present(self) -> None:
        if self.missing_files():
            reason = "download=false" if not self.hparams.download else "files still missing"
            raise self._not_found(reason)

    def _not_found(self, reason: str) -> DatasetNotFoundError:
        missing = "\n  ".join(str(path) for path in self.missing_files())
        name = self.dataset_class.__name__
        return DatasetNotFoundError(
            f"{name} is not in data_dir={self.data_dir} ({reason}). Expected:\n  {missing}\n"
            f'Fetch it on a machine with network access, e.g. python -c "from torchvision '
            f"import datasets; datasets.{name}('{self.data_dir}', download=True)\", and copy "
            f"the files there, or point BNNLAB_DATA_DIR (or datamodule.data_dir) at a copy."
        )

    def _transform(self, train: bool) -> transforms.Compose:
        augment = self.augmentations() if train and self.hparams.augment else []
        return transforms.Compose(
            [*augment, transforms.ToTensor(), transforms.Normalize(self.mean, self.std)]
        )

    def setup(self, stage: str | None = None) -> None:
        if self.datasets:
            return
        self._check_present()  # on every process: a missing dataset fails before training
        train_full = self.dataset_class(self.data_dir, train=True, transform=self._transform(True))
        val_full = self.dataset_class(self.data_dir, train=True, transform=self._transform(False))
        count = len(train_full)
        if self.hparams.val_size >= count:
            raise ValueError(
                f"datamodule.val_size={self.hparams.val_size} leaves no training "
                f"data: the train split has {count} samples"
            )
        order = torch.randperm(
            count, generator=torch.Generator().manual_seed(self.hparams.split_seed)
        )
        val_indices, train_indices = order[: self.hparams.val_size], order[self.hparams.val_size :]
        self.datasets = {
            "train": Subset(train_full, train_indices.tolist()),
            "val": Subset(val_full, val_indices.tolist()),
            "test": self.dataset_class(
                self.data_dir, train=False, transform=self._transform(False)
            ),
        }


class MNISTDataModule(TorchvisionDataModule):
    """MNIST: 60,000 + 10,000 28x28 grey-scale digits."""

    dataset_class = datasets.MNIST
    input_shape = (1, 28, 28)
    num_classes = 10
    mean, std = (0.1307,), (0.3081,)
    files = tuple(
        f"MNIST/raw/{name}"
        for name in (
            "train-images-idx3-ubyte",
            "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte",
        )
    )


class FashionMNISTDataModule(TorchvisionDataModule):
    """Fashion-MNIST: 60,000 + 10,000 28x28 grey-scale clothing images."""

    dataset_class = datasets.FashionMNIST
    input_shape = (1, 28, 28)
    num_classes = 10
    mean, std = (0.2860,), (0.3530,)
    files = tuple(name.replace("MNIST/", "FashionMNIST/") for name in MNISTDataModule.files)


class CIFAR10DataModule(TorchvisionDataModule):
    """CIFAR-10: 50,000 + 10,000 32x32 colour images of 10 classes."""

    dataset_class = datasets.CIFAR10
    input_shape = (3, 32, 32)
    num_classes = 10
    mean, std = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)
    files = tuple(
        f"cifar-10-batches-py/{name}"
        for name in (*(f"data_batch_{i}" for i in range(1, 6)), "test_batch", "batches.meta")
    )

    @classmethod
    def augmentations(cls) -> list[torch.nn.Module]:
        return [transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip()]


class CIFAR100DataModule(CIFAR10DataModule):
    """CIFAR-100: 50,000 + 10,000 32x32 colour images of 100 classes."""

    dataset_class = datasets.CIFAR100
    num_classes = 100
    mean, std = (0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762)
    files = tuple(f"cifar-100-python/{name}" for name in ("train", "test", "meta"))
