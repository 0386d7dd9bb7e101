"""The model summary's numbers, worked out by hand."""

from __future__ import annotations

import pytest

from bnnlab.models import create_model
from bnnlab.quantizers import Sign
from bnnlab.summary import main, summarize_model


def test_mlp_summary_by_hand():
    model = create_model(
        "mlp", input_shape=(1, 8, 8), num_classes=10, quantizer=Sign, hidden_sizes=[16, 16]
    )
    summary = summarize_model(model, (1, 8, 8))
    rows = {row["name"]: row for row in summary["layers"]}
    # fc1: 64x16 full precision, no bias; fc2: 16x16 binary; classifier: 16x10 + 10 bias
    assert (rows["layers.fc1"]["float_params"], rows["layers.fc1"]["float_macs"]) == (1024, 1024)
    assert rows["layers.fc1"]["input_bits"] == 32
    fc2 = rows["layers.fc2"]
    assert (fc2["binary_params"], fc2["float_params"], fc2["binary_macs"]) == (256, 0, 256)
    assert (fc2["input_bits"], fc2["weight_bits"], fc2["kilobytes"]) == (1, 1, 32 / 1024)
    assert rows["layers.classifier"]["float_params"] == 170
    assert rows["layers.classifier"]["float_macs"] == 160
    assert rows["(other: BatchNorm, ...)"]["float_params"] == 2 * (16 + 16)
    totals = summary["totals"]
    assert (totals["binary_params"], totals["float_params"]) == (256, 1024 + 170 + 64)
    assert totals["size_kb"] == pytest.approx((256 / 8 + 4 * 1258) / 1024)
    assert totals["fp32_size_kb"] == pytest.approx(4 * (256 + 1258) / 1024)
    assert totals["compression"] == pytest.approx((4 * 1514) / (32 + 4 * 1258))
    assert totals["binary_mac_fraction"] == pytest.approx(256 / (256 + 1024 + 160))


def test_conv_macs_by_hand():
    model = create_model(
        "cnn", input_shape=(1, 8, 8), num_classes=10, quantizer=Sign, channels=[4, 8]
    )
    rows = {row["name"]: row for row in summarize_model(model, (1, 8, 8))["layers"]}
    # conv1: 4x8x8 outputs, each 1x3x3 MACs; conv2 (binary): 8x8x8 outputs (pooling comes
    # after), each 4x3x3; classifier: (8x4x4) x 10
    assert rows["layers.conv1"]["float_macs"] == 4 * 8 * 8 * 9
    assert rows["layers.conv2"]["binary_macs"] == 8 * 8 * 8 * 4 * 9
    assert rows["layers.conv2"]["binary_params"] == 8 * 4 * 9
    assert rows["layers.classifier"]["float_macs"] == 8 * 4 * 4 * 10


def test_cli_without_training(capsys):
    main(["model=resnet18", "datamodule=cifar10"])
    printed = capsys.readouterr().out
    assert '"binary_params": 10985472' in printed and "binarized" in printed
