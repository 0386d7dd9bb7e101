"""Quantizers by name, so configs and notebooks can ask for one without importing its class."""

from __future__ import annotations

from typing import Any

from bnnlab.quantizers.base import Quantizer
from bnnlab.registry import Registry

QUANTIZERS: Registry[Quantizer] = Registry("quantizer")


def register_quantizer(cls: type[Quantizer]) -> type[Quantizer]:
    """Class decorator: make ``cls`` available as ``get_quantizer(cls.name)``."""
    return QUANTIZERS.register(cls.name)(cls)


def get_quantizer(name: str, **kwargs: Any) -> Quantizer:
    """A new quantizer of the registered class ``name``, built with ``kwargs``."""
    return QUANTIZERS.create(name, **kwargs)
