"""What each activation quantizer does to the gradient flowing through it."""

from __future__ import annotations

from functools import partial
from typing import Any

import lightning as L
import torch
from torch.utils.hooks import RemovableHandle

from bnnlab.callbacks.base import StepInstrument
from bnnlab.callbacks.histograms import histograms, mean_histograms
from bnnlab.layers import QActivation


class QuantizerGradientHistograms(StepInstrument):
    """Logs, for each activation quantizer (a ``QActivation``, by module path):

    - ``quantizer_grads/<path>``: histogram of ``dL/dx``, the gradient arriving at the
      quantizer's input, where SwishSign, the STE and ApproxSign differ;
    - ``quantizer_inputs/<path>``: histogram of the values ``x`` entering it;
    - ``quantizer_grad_scale/<path>``: the mean of ``(dL/dx) / (dL/dy)`` per bin of ``x``
      (``y`` the quantizer's output): the surrogate derivative the network actually
      saw (drawn by W&B as a histogram whose heights are those means);
    - scalars ``quantizer_grad_zero_fraction/<path>`` (exactly-zero gradients: cancelled),
      ``quantizer_grad_mean_abs/<path>`` and ``quantizer_grad_norm/<path>``.

    Binary quantizers only, unless ``include_full_precision``. On a logging step, forward
    hooks are registered at the start of the batch; they hook the tensors of that
    step's first forward pass and are removed at the end of the batch, so other steps
    run without any hook. Quantizers whose input needs no gradient are skipped.
    """

    def __init__(self, include_full_precision: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.include_full_precision = include_full_precision
        self._handles: list[RemovableHandle] = []
        self._inputs: dict[str, torch.Tensor] = {}
        self._input_grads: dict[str, torch.Tensor] = {}
        self._output_grads: dict[str, torch.Tensor] = {}
        self._step = 0

    def on_train_batch_start(
        self, trainer: L.Trainer, pl_module: L.LightningModule, batch: Any, batch_idx: int
    ) -> None:
        if not self.claim_step(trainer):
            return
        self._step = trainer.global_step  # the batch ends after the optimizer step
        for path, module in pl_module.named_modules():
            if isinstance(module, QActivation) and (
                module.is_binary or self.include_full_precision
            ):
                self._handles.append(module.register_forward_hook(partial(self._capture, path)))

    def _capture(self, path: str, module: QActivation, inputs: tuple, output: torch.Tensor):
        x = inputs[0]
        if path in self._inputs or not x.requires_grad:
            return
        self._inputs[path] = x.detach()
        x.register_hook(partial(self._keep, self._input_grads, path))
        output.register_hook(partial(self._keep, self._output_grads, path))

    @staticmethod
    def _keep(store: dict[str, torch.Tensor], path: str, grad: torch.Tensor) -> None:
        store[path] = grad.detach()

    def on_train_batch_end(
        self,
        trainer: L.Trainer,
        pl_module: L.LightningModule,
        outputs: Any,
        batch: Any,
        batch_idx: int,
    ) -> None:
        if not self._handles:
            return
        self._remove_hooks()
        captured = [path for path in self._inputs if path in self._input_grads]
        grads = {path: self._input_grads[path] for path in captured}
        tensors = {f"quantizer_grads/{path}": grad for path, grad in grads.items()}
        tensors |= {f"quantizer_inputs/{path}": self._inputs[path] for path in captured}
        found = histograms(tensors, self.bins)
        found |= mean_histograms(
            {
                f"quantizer_grad_scale/{path}": _local_scale(
                    self._inputs[path], grads[path], self._output_grads.get(path)
                )
                for path in captured
            },
            self.bins,
        )
        self.sink.emit(trainer, found, _gradient_scalars(grads), step=self._step)
        self._inputs.clear()
        self._input_grads.clear()
        self._output_grads.clear()

    def _remove_hooks(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def on_train_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._remove_hooks()

    def on_exception(self, trainer: L.Trainer, pl_module: L.LightningModule, exception: Any):
        self._remove_hooks()
        super().on_exception(trainer, pl_module, exception)


def _local_scale(
    x: torch.Tensor, input_grad: torch.Tensor, output_grad: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(x, dL/dx / dL/dy)`` where ``dL/dy`` is non-zero (elsewhere NaN, left out)."""
    if output_grad is None:
        return x, torch.full_like(x, float("nan"))
    ratio = input_grad / output_grad
    return x, torch.where(output_grad != 0, ratio, float("nan"))


def _gradient_scalars(grads: dict[str, torch.Tensor]) -> dict[str, float]:
    if not grads:
        return {}
    names, rows = [], []
    for path, grad in grads.items():
        flat = grad.flatten().float()
        names.append(path)
        rows.append(torch.stack([(flat == 0).float().mean(), flat.abs().mean(), flat.norm()]))
    values = torch.stack(rows).cpu().tolist()  # one transfer for every layer
    scalars = {}
    for path, (zero_fraction, mean_abs, norm) in zip(names, values, strict=True):
        scalars[f"quantizer_grad_zero_fraction/{path}"] = zero_fraction
        scalars[f"quantizer_grad_mean_abs/{path}"] = mean_abs
        scalars[f"quantizer_grad_norm/{path}"] = norm
    return scalars
