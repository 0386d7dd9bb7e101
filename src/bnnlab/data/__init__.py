"""LightningDataModules: embedded data first, torchvision datasets beside them."""

from bnnlab.data.digits import DigitsDataModule

__all__ = ["DigitsDataModule"]
