"""Models by name: ``create_model("mlp", input_shape=..., num_classes=..., quantizer=...)``."""

from __future__ import annotations

from typing import Any

from torch import nn

from bnnlab.registry import Registry

MODELS: Registry[nn.Module] = Registry("model")
register_model = MODELS.register


def create_model(name: str, **kwargs: Any) -> nn.Module:
    return MODELS.create(name, **kwargs)
