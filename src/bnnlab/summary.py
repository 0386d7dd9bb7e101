"""What a binarized model costs: 1-bit and 32-bit parameters, memory and MACs by
precision, per layer and in total.

``python -m bnnlab.summary model=resnet18 datamodule=cifar10`` prints it for any
config without training; ``ModelSummary`` (a callback, on by default) prints it when
training starts and stores it in the run dir and the W&B summary.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import lightning as L
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import get_class
from lightning.pytorch.loggers import WandbLogger
from rich.console import Console
from rich.table import Table
from torch import nn

from bnnlab.experiment import build_model
from bnnlab.layers import QuantizedLayer
from bnnlab.run_files import write_json_atomically

SUMMARY_FILE = "model_summary.json"


@dataclass
class LayerCost:
    name: str
    kind: str
    input_bits: int
    weight_bits: int
    binary_params: int
    float_params: int
    binary_macs: int
    float_macs: int

    @property
    def kilobytes(self) -> float:
        return (self.binary_params / 8 + 4 * self.float_params) / 1024


def _macs(layer: nn.Module, output: torch.Tensor) -> int:
    """Multiply-accumulates of one sample through a linear or conv layer."""
    weight = layer.weight
    if isinstance(layer, nn.Linear):
        return weight.numel()
    # a conv: every output position takes one kernel of in_channels/groups inputs
    return output[0].numel() * weight[0].numel()


def layer_costs(model: nn.Module, input_shape: tuple[int, ...]) -> list[LayerCost]:
    """One ``LayerCost`` per quantized layer, plus one for every other parameter
    (BatchNorm, ...) as 32-bit; MACs from one forward pass of a single sample."""
    outputs: dict[str, torch.Tensor] = {}
    hooks = [
        module.register_forward_hook(lambda m, i, o, name=name: outputs.__setitem__(name, o))
        for name, module in model.named_modules()
        if isinstance(module, QuantizedLayer)
    ]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *input_shape))
    model.train(was_training)
    for hook in hooks:
        hook.remove()
    costs, counted = [], set()
    for name, module in model.named_modules():
        if not isinstance(module, QuantizedLayer):
            continue
        params = dict(module.named_parameters(recurse=False))
        binary = module.weight.numel() if module.has_binary_weights else 0
        floating = sum(p.numel() for p in params.values()) - binary
        counted.update(id(p) for p in params.values())
        macs = _macs(module, outputs[name])
        binary_macs = macs if module.has_binary_weights and module.has_binary_inputs else 0
        costs.append(
            LayerCost(
                name=name,
                kind=type(module).__name__,
                input_bits=module.input_quantizer.quantizer.bit_width,
                weight_bits=module.weight_quantizer.bit_width,
                binary_params=binary,
                float_params=floating,
                binary_macs=binary_macs,
                float_macs=macs - binary_macs,
            )
        )
    other = sum(p.numel() for p in model.parameters() if id(p) not in counted)
    if other:
        costs.append(LayerCost("(other: BatchNorm, ...)", "", 32, 32, 0, other, 0, 0))
    return costs


def totals(costs: list[LayerCost]) -> dict[str, float]:
    """Model size, its float32 equivalent, the compression ratio, the binarized share
    of MACs."""
    binary = sum(c.binary_params for c in costs)
    floating = sum(c.float_params for c in costs)
    binary_macs = sum(c.binary_macs for c in costs)
    macs = binary_macs + sum(c.float_macs for c in costs)
    size_kb = sum(c.kilobytes for c in costs)
    fp32_kb = 4 * (binary + floating) / 1024
    return {
        "binary_params": binary,
        "float_params": floating,
        "size_kb": size_kb,
        "fp32_size_kb": fp32_kb,
        "compression": fp32_kb / size_kb if size_kb else 1.0,
        "binary_macs": binary_macs,
        "float_macs": macs - binary_macs,
        "binary_mac_fraction": binary_macs / macs if macs else 0.0,
    }


def summarize_model(model: nn.Module, input_shape: tuple[int, ...]) -> dict[str, Any]:
    costs = layer_costs(model, tuple(input_shape))
    return {
        "layers": [asdict(c) | {"kilobytes": c.kilobytes} for c in costs],
        "totals": totals(costs),
    }


def print_summary(summary: dict[str, Any], console: Console | None = None) -> None:
    table = Table(title="Model summary (one sample)")
    for header in (
        "layer",
        "in bits",
        "w bits",
        "1-bit params",
        "32-bit params",
        "kB",
        "1-bit MACs",
        "32-bit MACs",
    ):
        table.add_column(header, justify="left" if header == "layer" else "right")
    for c in summary["layers"]:
        table.add_row(
            c["name"],
            str(c["input_bits"]),
            str(c["weight_bits"]),
            f"{c['binary_params']:,}",
            f"{c['float_params']:,}",
            f"{c['kilobytes']:.1f}",
            f"{c['binary_macs']:,}",
            f"{c['float_macs']:,}",
        )
    t = summary["totals"]
    (console or Console(width=140)).print(
        table,
        f"size {t['size_kb']:.1f} kB (float32: {t['fp32_size_kb']:.1f} kB, "
        f"{t['compression']:.1f}x smaller); {t['binary_mac_fraction']:.1%} of "
        f"{t['binary_macs'] + t['float_macs']:,} MACs binarized",
    )


class ModelSummary(L.Callback):
    """Prints the summary when fitting starts and stores it in
    ``<run dir>/model_summary.json`` and the W&B run's summary (``model/...``)."""

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()
        self.path = path

    def on_fit_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if not trainer.is_global_zero:
            return
        input_shape = getattr(trainer.datamodule, "input_shape", None)
        if input_shape is None:
            return
        summary = summarize_model(pl_module.model, tuple(input_shape))
        print_summary(summary)
        if self.path is not None:
            write_json_atomically(Path(self.path), summary)
        for logger in trainer.loggers:
            if isinstance(logger, WandbLogger):
                logger.experiment.summary.update(
                    {f"model/{key}": value for key, value in summary["totals"].items()}
                )


def main(argv: list[str] | None = None) -> None:
    """``python -m bnnlab.summary [overrides]``: the summary of a config's model."""
    config_dir = Path(__file__).resolve().parents[2] / "conf"
    with initialize_config_dir(config_dir=str(config_dir), version_base="1.3"):
        cfg = compose("train", overrides=list(sys.argv[1:] if argv is None else argv))
    datamodule_class = get_class(cfg.datamodule._target_)
    model = build_model(cfg, datamodule_class.input_shape, datamodule_class.num_classes)
    summary = summarize_model(model, datamodule_class.input_shape)
    print_summary(summary)
    print(json.dumps(summary["totals"], indent=2))


if __name__ == "__main__":
    main()
