"""The embedded digits datamodule."""

from __future__ import annotations

import pytest
import torch

from bnnlab.data import DigitsDataModule
from bnnlab.errors import ConfigValueError


def setup(**kwargs) -> DigitsDataModule:
    datamodule = DigitsDataModule(**kwargs)
    datamodule.setup("fit")
    return datamodule


def test_splits_cover_the_set_once_with_the_asked_sizes():
    datamodule = setup()
    sizes = {name: len(dataset) for name, dataset in datamodule.datasets.items()}
    assert sum(sizes.values()) == 1797
    assert sizes["test"] == pytest.approx(0.2 * 1797, abs=1)
    assert sizes["val"] == pytest.approx(0.1 * 0.8 * 1797, abs=1)
    images = torch.cat([dataset.tensors[0] for dataset in datamodule.datasets.values()])
    assert images.shape == (1797, 1, 8, 8)
    assert len(torch.unique(images.flatten(1), dim=0)) > 1700  # no sample twice


def test_split_is_fixed_by_split_seed_and_stratified():
    first, again, other = setup(), setup(), setup(split_seed=1)
    test_labels = first.datasets["test"].tensors[1]
    torch.testing.assert_close(first.datasets["test"].tensors[0], again.datasets["test"].tensors[0])
    assert not torch.equal(first.datasets["test"].tensors[1], other.datasets["test"].tensors[1])
    counts = torch.bincount(test_labels, minlength=10)
    assert counts.min() >= 34 and counts.max() <= 38  # each class ~ 20% of its ~180


def test_training_split_is_standardised():
    train = setup().datasets["train"].tensors[0]
    assert train.mean().item() == pytest.approx(0.0, abs=1e-5)
    assert train.std().item() == pytest.approx(1.0, abs=1e-3)


def test_loaders_batch_and_shuffle_only_training():
    datamodule = setup(batch_size=32)
    x, y = next(iter(datamodule.train_dataloader()))
    assert x.shape == (32, 1, 8, 8) and x.dtype == torch.float32 and y.dtype == torch.int64
    val_first = next(iter(datamodule.val_dataloader()))[1]
    torch.testing.assert_close(val_first, next(iter(datamodule.val_dataloader()))[1])
    assert (DigitsDataModule.input_shape, DigitsDataModule.num_classes) == ((1, 8, 8), 10)


@pytest.mark.parametrize("key", ["val_fraction", "test_fraction"])
@pytest.mark.parametrize("value", [0, 1, -0.1, 1.5, "a"])
def test_bad_fraction_is_refused(key, value):
    with pytest.raises(ConfigValueError, match=key):
        DigitsDataModule(**{key: value})
