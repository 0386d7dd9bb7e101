"""Hydra instantiation of the config groups, with errors that name the config key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hydra
from hydra.errors import InstantiationException
from omegaconf import DictConfig

import bnnlab.resolvers  # noqa: F401  (registers the configs' ${bnnlab.*:} resolvers)
from bnnlab.errors import ConfigValueError
from bnnlab.quantizers import Quantizer


def instantiate_node(cfg: DictConfig, key: str, **kwargs: Any) -> Any:
    """``hydra.utils.instantiate(cfg[key], **kwargs)``; a ``ConfigValueError`` raised by the
    target comes out with its key qualified by ``key`` (``beta`` -> ``quantizer.beta``)."""
    try:
        return hydra.utils.instantiate(cfg[key], **kwargs)
    except InstantiationException as error:
        if isinstance(error.__cause__, ConfigValueError):
            raise error.__cause__.under(key) from None
        raise


def instantiate_quantizer(cfg: DictConfig, key: str) -> Callable[[], Quantizer]:
    """The quantizer factory (a ``_partial_`` config) at ``cfg[key]``, validated by building
    one quantizer now: a bad value fails here, before data or model are touched."""
    factory = instantiate_node(cfg, key)
    try:
        factory()
    except ConfigValueError as error:
        raise error.under(key) from None
    except TypeError as error:  # an argument the quantizer does not take
        raise TypeError(f"{key}: {error}") from None
    return factory


def instantiate_group(cfg: DictConfig, key: str) -> list[Any]:
    """Every entry with a ``_target_`` in the group ``cfg[key]`` (``callbacks``,
    ``logger``); entries set to null are skipped, so ``callbacks.lr_monitor=null``
    turns one off."""
    group = cfg.get(key) or {}
    return [
        instantiate_node(group, name)
        for name, node in group.items()
        if isinstance(node, DictConfig) and "_target_" in node
    ]
