"""Fused sign-with-surrogate kernels: ``torch.compile`` turns the forward (one pass to
+/-1) and the backward (the surrogate derivative times the incoming gradient, about
eight elementwise ops in eager mode) into one loop each.

Compilation costs seconds on first use, so ``fused="auto"`` compiles only where it
pays: tensors on a GPU, or of at least ``FUSE_MIN_NUMEL`` elements. Where compilation
is unavailable (no C++ compiler, an unsupported platform), the first failure is
logged once and the eager path is used from then on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import torch

log = logging.getLogger(__name__)

FUSE_MIN_NUMEL = 1 << 20  # 1M elements: below, launch and guard overheads dominate
FUSION_MODES = ("auto", "on", "off")

_compiled: dict[str, Callable[..., torch.Tensor]] = {}
_unavailable: list[BaseException] = []  # the first compilation failure, if any


def should_fuse(mode: str, x: torch.Tensor) -> bool:
    """Whether ``x`` takes the compiled path under ``mode`` (``auto``/``on``/``off``)."""
    if mode == "off" or _unavailable:
        return False
    return mode == "on" or x.is_cuda or x.numel() >= FUSE_MIN_NUMEL


def _compile(name: str, function: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    if name not in _compiled:
        # no fullgraph: past dynamo's recompile limit (many dtypes and shapes in one
        # long process) a function quietly runs eagerly instead of failing everything
        _compiled[name] = torch.compile(function, dynamic=True)
    return _compiled[name]


def run_fused(name: str, function: Callable[..., torch.Tensor], *args: Any) -> torch.Tensor | None:
    """``function(*args)`` compiled, or None (the caller runs it eagerly) if compilation
    is unavailable here."""
    # plain tensors: dynamo keeps a Parameter's shape static, and would compile anew
    # for every weight shape of a network
    args = tuple(arg.detach() if isinstance(arg, torch.Tensor) else arg for arg in args)
    try:
        return _compile(name, function)(*args)
    except Exception as error:  # compilers fail in many ways; eager always works
        if not _unavailable:
            log.warning("torch.compile unavailable (%s); quantizers run eagerly", error)
            _unavailable.append(error)
        return None


def compilation_unavailable() -> BaseException | None:
    """The error that made the fused path fall back, if it did."""
    return _unavailable[0] if _unavailable else None
