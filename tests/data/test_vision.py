"""The torchvision datamodules on tiny files in each dataset's own format, through a
real fast_dev_run of the training entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torchvision import datasets

from bnnlab.data import (
    CIFAR10DataModule,
    CIFAR100DataModule,
    DatasetNotFoundError,
    FashionMNISTDataModule,
    MNISTDataModule,
)
from bnnlab.run_files import read_metrics
from bnnlab.training import train
from tests.data.tiny_datasets import write_cifar10, write_cifar100, write_mnist

WRITERS = {
    "mnist": lambda root: write_mnist(root, "MNIST"),
    "fashion_mnist": lambda root: write_mnist(root, "FashionMNIST"),
    "cifar10": write_cifar10,
    "cifar100": write_cifar100,
}


@pytest.fixture
def skip_cifar_checksums(monkeypatch):
    """torchvision checks CIFAR files against the real archives' MD5 sums; tiny test
    files in the same format cannot match them."""
    monkeypatch.setattr(
        datasets.cifar, "check_integrity", lambda path, md5=None: Path(path).exists()
    )
    for cls in (datasets.CIFAR10, datasets.CIFAR100):
        monkeypatch.setattr(cls, "_check_integrity", lambda self: True)


@pytest.mark.parametrize("name", list(WRITERS))
def test_fast_dev_run_on_tiny_files(name, tmp_path, compose_config, skip_cifar_checksums):
    data_dir = tmp_path / "data"
    WRITERS[name](data_dir)
    cfg = compose_config(
        f"datamodule={name}",
        f"datamodule.data_dir={data_dir}",
        "datamodule.num_workers=0",
        "datamodule.val_size=16",
        "datamodule.batch_size=8",
        "model=cnn",
        "debug=fdr",
        "logger=none",
    )
    metrics = train(cfg)
    assert 0 <= metrics["test/acc"] <= 1
    assert read_metrics(tmp_path)["test/acc"] == metrics["test/acc"]


@pytest.mark.parametrize(
    ("cls", "shape", "classes"),
    [
        (MNISTDataModule, (1, 28, 28), 10),
        (FashionMNISTDataModule, (1, 28, 28), 10),
        (CIFAR10DataModule, (3, 32, 32), 10),
        (CIFAR100DataModule, (3, 32, 32), 100),
    ],
)
def test_splits_shapes_and_normalisation(cls, shape, classes, tmp_path, skip_cifar_checksums):
    name = {
        MNISTDataModule: "mnist",
        FashionMNISTDataModule: "fashion_mnist",
        CIFAR10DataModule: "cifar10",
        CIFAR100DataModule: "cifar100",
    }[cls]
    WRITERS[name](tmp_path)
    datamodule = cls(data_dir=tmp_path, val_size=16, batch_size=4, num_workers=0)
    datamodule.prepare_data()
    datamodule.setup("fit")
    sizes = {split: len(dataset) for split, dataset in datamodule.datasets.items()}
    assert sizes["val"] == 16 and sizes["train"] + 16 in (64, 80) and sizes["test"] == 32
    x, y = next(iter(datamodule.val_dataloader()))
    assert tuple(x.shape[1:]) == shape == cls.input_shape and cls.num_classes == classes
    assert x.dtype == torch.float32 and y.max() < classes
    # the same split for the same seed; no sample in both
    again = cls(data_dir=tmp_path, val_size=16, num_workers=0)
    again.setup("fit")
    assert again.datasets["val"].indices == datamodule.datasets["val"].indices
    assert not set(datamodule.datasets["val"].indices) & set(datamodule.datasets["train"].indices)


def test_cifar_training_batches_are_augmented(tmp_path, skip_cifar_checksums):
    write_cifar10(tmp_path)
    datamodule = CIFAR10DataModule(data_dir=tmp_path, val_size=16, num_workers=0)
    datamodule.setup("fit")
    train_set, index = datamodule.datasets["train"], 0
    views = torch.stack([train_set[index][0] for _ in range(8)])
    assert not all(torch.equal(views[0], view) for view in views[1:])
    val_set = datamodule.datasets["val"]
    assert torch.equal(val_set[0][0], val_set[0][0])  # no augmentation for validation


@pytest.mark.parametrize("cls", [MNISTDataModule, CIFAR10DataModule, CIFAR100DataModule])
def test_missing_data_names_dir_files_and_how_to_fetch(cls, tmp_path):
    datamodule = cls(data_dir=tmp_path / "empty", download=False)
    with pytest.raises(DatasetNotFoundError) as error:
        datamodule.prepare_data()
    message = str(error.value)
    assert f"data_dir={tmp_path / 'empty'}" in message
    assert all(str(tmp_path / "empty" / name) in message for name in cls.files)
    assert "download=True" in message and "BNNLAB_DATA_DIR" in message
    with pytest.raises(DatasetNotFoundError):
        datamodule.setup("fit")


def test_bnnplus_cifar10_experiment_under_fast_dev_run(
    tmp_path, compose_config, skip_cifar_checksums
):
    write_cifar10(tmp_path / "data")
    cfg = compose_config(
        "experiment=bnnplus_cifar10",
        f"datamodule.data_dir={tmp_path / 'data'}",
        "datamodule.num_workers=0",
        "datamodule.val_size=16",
        "datamodule.batch_size=8",
        "debug=fdr",
        "logger=none",
    )
    assert cfg.model._target_ == "bnnlab.models.VGGSmall" and cfg.module.scale_regularizer
    assert "test/acc" in train(cfg)
