"""MNIST-1D: generated offline, cached, reloaded identically."""

from __future__ import annotations

import numpy as np
import pytest

from bnnlab.data import MNIST1DDataModule
from bnnlab.data.mnist1d import cached_mnist1d, generate_mnist1d
from bnnlab.errors import ConfigValueError


def test_generates_the_standard_split_caches_and_reloads_the_same_arrays(tmp_path):
    first = cached_mnist1d(tmp_path)
    cache = tmp_path / "mnist1d" / "mnist1d_seed42.npz"
    assert cache.is_file()
    assert first["x"].shape == (4000, 40) and first["x_test"].shape == (1000, 40)
    assert sorted(np.unique(first["y"])) == list(range(10))
    modified = cache.stat().st_mtime_ns
    again = cached_mnist1d(tmp_path)  # from the cache: the file is not rewritten
    assert cache.stat().st_mtime_ns == modified
    for key in first:
        np.testing.assert_array_equal(first[key], again[key])
    # and the cache holds what the generator makes
    np.testing.assert_array_equal(generate_mnist1d(42)["x_test"], first["x_test"])


def test_datamodule_splits_and_shapes(tmp_path):
    datamodule = MNIST1DDataModule(data_dir=tmp_path, batch_size=50)
    datamodule.prepare_data()
    datamodule.setup("fit")
    sizes = {name: len(dataset) for name, dataset in datamodule.datasets.items()}
    assert sizes == {"train": 3600, "val": 400, "test": 1000}
    x, y = next(iter(datamodule.train_dataloader()))
    assert x.shape == (50, 1, 40) and y.shape == (50,)
    train = datamodule.datasets["train"].tensors[0]
    assert train.mean().item() == pytest.approx(0.0, abs=1e-5)


def test_bad_values_are_refused():
    with pytest.raises(ConfigValueError, match="val_fraction"):
        MNIST1DDataModule(val_fraction=1.0)
