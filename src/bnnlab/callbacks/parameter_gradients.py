"""Histograms of the gradients of the latent weights."""

from __future__ import annotations

import lightning as L
import torch
from torch import nn

from bnnlab.callbacks.base import StepInstrument
from bnnlab.callbacks.histograms import histograms
from bnnlab.layers import QuantizedLayer


def binarized_weight_names(module: nn.Module) -> set[str]:
    """Parameter names (relative to ``module``) of the latent weights it binarizes."""
    return {
        f"{path}.weight"
        for path, layer in module.named_modules()
        if isinstance(layer, QuantizedLayer) and layer.has_binary_weights
    }


class ParameterGradientHistograms(StepInstrument):
    """Logs ``gradients/<parameter name>``: a histogram of the gradient of each binarized
    layer's latent weight (every parameter with ``include_full_precision``), as W&B's
    own ``watch`` names them.

    Measured in ``on_before_optimizer_step``: the gradient the optimizer is about to
    use, accumulated over micro-batches and unscaled from mixed precision. Parameters
    whose gradient is None are skipped.
    """

    def __init__(self, include_full_precision: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.include_full_precision = include_full_precision

    def on_before_optimizer_step(
        self, trainer: L.Trainer, pl_module: L.LightningModule, optimizer: torch.optim.Optimizer
    ) -> None:
        if not self.claim_step(trainer):
            return
        wanted = binarized_weight_names(pl_module)
        gradients = {
            f"gradients/{name}": parameter.grad
            for name, parameter in pl_module.named_parameters()
            if parameter.grad is not None and (self.include_full_precision or name in wanted)
        }
        self.sink.emit(trainer, histograms(gradients, self.bins), {})
