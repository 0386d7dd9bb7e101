"""OmegaConf resolvers the configs use; registered on import (train.py imports this)."""

from __future__ import annotations

from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import OmegaConf


def sweep_name() -> str:
    """The sweep dir's name inside a multirun (W&B groups a sweep's runs by it), else ""."""
    if not HydraConfig.initialized():
        return ""
    hydra = HydraConfig.get()
    return Path(hydra.sweep.dir).name if hydra.mode == RunMode.MULTIRUN else ""


OmegaConf.register_new_resolver("bnnlab.sweep_name", sweep_name, replace=True)
