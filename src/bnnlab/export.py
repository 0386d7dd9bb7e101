"""Bit-packed export of a trained binarized model, and the loader that rebuilds it.

Binary weights are stored as their signs, 8 to a byte (``numpy.packbits``); per-channel
scales (``mean|W|`` computed once from the latent weights, or the learned ones),
BatchNorm and full-precision layers keep their float tensors. The loader rebuilds
the model from the run's own config and gives the same predictions in eval mode:

    python -m bnnlab.export logs/train/runs/<run>/checkpoints/last.ckpt model.bnn
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch
from hydra.utils import get_class
from omegaconf import DictConfig, OmegaConf
from torch import nn

from bnnlab.checkpoints import CheckpointError, load_checkpoint, run_config_path
from bnnlab.experiment import build_model
from bnnlab.layers import QuantizedLayer

FORMAT = "bnnlab.bitpacked"
VERSION = 1
MODEL_KEYS = ("model", "quantizer", "weight_quantizer")


class ExportError(ValueError):
    """An export file that is not one, or is damaged."""


def _model_state(checkpoint: dict[str, Any]) -> dict[str, torch.Tensor]:
    """The network's own tensors from a LightningModule checkpoint (``model.`` prefix)."""
    return {
        key.removeprefix("model."): value
        for key, value in checkpoint["state_dict"].items()
        if key.startswith("model.")
    }


def export_model(
    model: nn.Module, config: DictConfig, input_shape: tuple[int, ...], num_classes: int
) -> dict[str, Any]:
    """The exportable form of ``model``: packed signs of its binary weights, everything
    else as tensors, and the config that rebuilds it."""
    packed, scales = {}, {}
    for name, layer in model.named_modules():
        if isinstance(layer, QuantizedLayer) and layer.has_binary_weights:
            signs = (layer.weight.detach() >= 0).cpu().numpy()
            packed[f"{name}.weight"] = {
                "bits": torch.from_numpy(np.packbits(signs.reshape(-1))),
                "shape": list(layer.weight.shape),
            }
            if layer.weight_scale == "mean":  # depends on the latent weights: store it
                scales[name] = layer.weight_scale_factor().detach().clone()
    state = {key: value for key, value in model.state_dict().items() if key not in packed}
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": OmegaConf.to_container(
            OmegaConf.create({key: config.get(key) for key in MODEL_KEYS}), resolve=True
        ),
        "input_shape": list(input_shape),
        "num_classes": num_classes,
        "packed": packed,
        "mean_scales": scales,
        "state": state,
    }


def export_checkpoint(
    ckpt_path: str | os.PathLike,
    out_path: str | os.PathLike,
    train_config: str | os.PathLike | None = None,
) -> Path:
    """Export the checkpoint of a bnnlab run to ``out_path``; the run's config is found
    from the checkpoint's path (``<run dir>/checkpoints/x.ckpt``) unless given."""
    ckpt_path = Path(ckpt_path)
    checkpoint = load_checkpoint(ckpt_path)
    config_path = run_config_path(ckpt_path, train_config)
    config = OmegaConf.load(config_path)
    datamodule_class = get_class(config.datamodule._target_)
    model = build_model(config, datamodule_class.input_shape, datamodule_class.num_classes)
    try:
        model.load_state_dict(_model_state(checkpoint))
    except RuntimeError as error:
        raise CheckpointError(
            f"ckpt_path={str(ckpt_path)!r} does not fit the model of {config_path}: {error}"
        ) from None
    exported = export_model(
        model, config, datamodule_class.input_shape, datamodule_class.num_classes
    )
    out_path = Path(out_path)
    torch.save(exported, out_path)
    return out_path


def load_exported(path: str | os.PathLike) -> nn.Module:
    """The inference model of an export file, in eval mode."""
    path = Path(path)
    try:
        exported = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ExportError(f"{path} is not a readable bnnlab export: {error}") from error
    if not isinstance(exported, dict) or exported.get("format") != FORMAT:
        raise ExportError(f"{path} is not a bnnlab export (format {FORMAT!r})")
    if exported.get("version") != VERSION:
        raise ExportError(
            f"{path} has export version {exported.get('version')}, this bnnlab reads {VERSION}"
        )
    config = OmegaConf.create(exported["config"])
    model = build_model(config, tuple(exported["input_shape"]), exported["num_classes"])
    state = dict(exported["state"])
    for key, packed in exported["packed"].items():
        count = int(np.prod(packed["shape"]))
        bits = np.unpackbits(packed["bits"].numpy())[:count]
        state[key] = torch.from_numpy(bits.astype(np.float32) * 2 - 1).reshape(packed["shape"])
    for name, scale in exported["mean_scales"].items():
        layer = model.get_submodule(name)
        layer.weight_scale = "learned"  # the stored mean|W| of the latent weights, fixed
        layer.scale = nn.Parameter(torch.empty_like(scale), requires_grad=False)
        state[f"{name}.scale"] = scale
    try:
        model.load_state_dict(state)
    except RuntimeError as error:
        raise ExportError(f"{path} does not fit the model of its own config: {error}") from None
    return model.eval()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Export a checkpoint bit-packed.")
    parser.add_argument("ckpt_path")
    parser.add_argument("out_path")
    parser.add_argument("--train-config", default=None)
    args = parser.parse_args(argv)
    out = export_checkpoint(args.ckpt_path, args.out_path, args.train_config)
    print(
        f"{out}: {out.stat().st_size / 1024:.1f} kB "
        f"(checkpoint {Path(args.ckpt_path).stat().st_size / 1024:.1f} kB)"
    )


if __name__ == "__main__":
    main()
