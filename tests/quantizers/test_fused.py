"""The compiled (fused) quantizer passes against the eager ones, the fallback where
compilation is unavailable, and the lower-precision saved input."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch

from bnnlab.errors import ConfigValueError
from bnnlab.quantizers import ApproxSign, Sign, SwishSign
from bnnlab.quantizers.fused import FUSE_MIN_NUMEL, compilation_unavailable, should_fuse
from tests.quantizers.helpers import forward_backward


def edge_values(dtype: torch.dtype) -> torch.Tensor:
    info = torch.finfo(dtype)
    values = [
        0.0,
        -0.0,
        info.tiny,
        -info.tiny,
        1e-3,
        -0.3,
        0.48,
        1.0,
        -1.0,
        2.0,
        50.0,
        info.max,
        -info.max,
    ]
    return torch.cat(
        [
            torch.tensor(values, dtype=torch.float64).to(dtype),
            (torch.randn(4096, generator=torch.Generator().manual_seed(0)) * 2).to(dtype),
        ]
    )


CASES = [
    (SwishSign, {"beta": 5.0}, dtype)
    for dtype in (torch.float32, torch.float64, torch.bfloat16, torch.float16)
]
CASES += [(Sign, {}, torch.float32), (ApproxSign, {}, torch.float32)]


@pytest.mark.slow  # each dtype compiles for a few seconds
@pytest.mark.parametrize(("cls", "kwargs", "dtype"), CASES)
def test_fused_and_eager_agree(cls, kwargs, dtype):
    x = edge_values(dtype)
    upstream = torch.randn(x.shape, generator=torch.Generator().manual_seed(1)).to(dtype)
    y_fused, grad_fused = forward_backward(cls(**kwargs, fused="on"), x, upstream)
    assert compilation_unavailable() is None, compilation_unavailable()  # really compiled
    y_eager, grad_eager = forward_backward(cls(**kwargs, fused="off"), x, upstream)
    assert y_fused.dtype == y_eager.dtype == dtype
    torch.testing.assert_close(y_fused, y_eager, rtol=0, atol=0)  # +/-1 exactly, sign(0) = +1
    assert torch.isfinite(grad_fused).all()
    # the same math, reassociated by the compiler: a few units in the last place
    eps = torch.finfo(dtype).eps
    scale = kwargs.get("beta", 2.0) * upstream.abs().max().item()
    torch.testing.assert_close(grad_fused, grad_eager, rtol=8 * eps, atol=8 * eps * scale)


def test_auto_fuses_large_or_gpu_tensors_only():
    assert not should_fuse("auto", torch.zeros(FUSE_MIN_NUMEL - 1))
    assert should_fuse("auto", torch.zeros(FUSE_MIN_NUMEL))
    assert should_fuse("on", torch.zeros(3)) and not should_fuse("off", torch.zeros(1 << 24))


FALLBACK = """
import logging, torch
logging.basicConfig(level=logging.WARNING)
from bnnlab.quantizers import SwishSign
from bnnlab.quantizers.fused import compilation_unavailable
x = torch.randn(1000, requires_grad=True)
y = SwishSign(fused="on")(x); y.sum().backward()
reference = SwishSign(fused="off").derivative(x.detach())
assert compilation_unavailable() is not None, "compiled although no compiler exists"
assert torch.equal(x.grad, reference) and torch.equal(y, torch.where(x >= 0, 1.0, -1.0))
print("fell back")
"""


@pytest.mark.slow
def test_falls_back_to_eager_where_compilation_is_unavailable(tmp_path):
    """A machine without a C++ compiler: inductor cannot build its kernels."""
    env = {
        **os.environ,
        "CXX": str(tmp_path / "no-such-compiler"),
        "TORCHINDUCTOR_CACHE_DIR": str(tmp_path / "inductor-cache"),
    }
    result = subprocess.run(
        [sys.executable, "-c", FALLBACK], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "fell back" in result.stdout
    assert "torch.compile unavailable" in result.stderr


@pytest.mark.parametrize(
    ("quantizer", "tolerance"),
    # measured on 1M N(0, 4) inputs: 0.0207 (β=5), 0.0059, and a few flips at |x| = 1
    [(SwishSign(5.0, fused="off"), 0.01 * 5.0), (ApproxSign(fused="off"), 2 * 2**-8 * 2)],
)
def test_bfloat16_saved_input_keeps_the_gradient_within_tolerance(quantizer, tolerance):
    x = torch.randn(1 << 16, generator=torch.Generator().manual_seed(0)) * 2
    low = type(quantizer)(
        **({"beta": 5.0} if isinstance(quantizer, SwishSign) else {}),
        fused="off",
        save_dtype="bfloat16",
    )
    _, exact = forward_backward(quantizer, x)
    _, approximate = forward_backward(low, x)
    assert approximate.dtype == torch.float32
    assert (approximate - exact).abs().max().item() <= tolerance


def test_bfloat16_saved_input_with_the_ste_differs_only_at_the_threshold():
    x = torch.randn(1 << 16, generator=torch.Generator().manual_seed(0)) * 2
    _, exact = forward_backward(Sign(fused="off"), x)
    _, approximate = forward_backward(Sign(fused="off", save_dtype="bfloat16"), x)
    differ = exact != approximate
    assert ((x[differ].abs() - 1).abs() <= 2**-7).all()


@pytest.mark.parametrize(("key", "value"), [("fused", "yes"), ("save_dtype", "int8")])
def test_bad_fusion_settings_are_refused(key, value):
    with pytest.raises(ConfigValueError, match=key):
        SwishSign(**{key: value})
