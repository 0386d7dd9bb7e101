"""LightningDataModules: embedded data first, torchvision datasets beside them."""

from bnnlab.data.digits import DigitsDataModule
from bnnlab.data.mnist1d import MNIST1DDataModule
from bnnlab.data.vision import (
    CIFAR10DataModule,
    CIFAR100DataModule,
    DatasetNotFoundError,
    FashionMNISTDataModule,
    MNISTDataModule,
    TorchvisionDataModule,
)

__all__ = [
    "CIFAR10DataModule",
    "CIFAR100DataModule",
    "DatasetNotFoundError",
    "DigitsDataModule",
    "FashionMNISTDataModule",
    "MNIST1DDataModule",
    "MNISTDataModule",
    "TorchvisionDataModule",
]
