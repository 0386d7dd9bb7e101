"""How many binary weights flip sign between logged steps."""

from __future__ import annotations

import lightning as L
import torch

from bnnlab.callbacks.base import StepInstrument
from bnnlab.layers import QuantizedLayer


class WeightFlipRatio(StepInstrument):
    """Logs ``flip_ratio/<layer path>``: per binarized layer, the fraction of its binary
    weights whose sign changed since the previous logged step (nothing at the first).

    Keeps one boolean per binary weight, on the weights' device, between logged steps.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._previous_signs: dict[str, torch.Tensor] = {}

    def on_before_optimizer_step(
        self, trainer: L.Trainer, pl_module: L.LightningModule, optimizer: torch.optim.Optimizer
    ) -> None:
        if not self.claim_step(trainer):
            return
        ratios = {}
        for path, layer in pl_module.named_modules():
            if not (isinstance(layer, QuantizedLayer) and layer.has_binary_weights):
                continue
            signs = layer.weight.detach() >= 0  # binary_sign's +1 side, zero included
            previous = self._previous_signs.get(path)
            if previous is not None:
                ratios[f"flip_ratio/{path}"] = (signs != previous).float().mean()
            self._previous_signs[path] = signs
        if ratios:
            values = torch.stack(list(ratios.values())).cpu().tolist()  # one transfer
            self.sink.emit(trainer, {}, dict(zip(ratios, values, strict=True)))
