"""The straight-through estimator with and without gradient cancellation."""

from __future__ import annotations

import pytest
import torch

from bnnlab.errors import ConfigValueError
from bnnlab.quantizers import Sign
from tests.quantizers.helpers import forward_backward

X = torch.tensor([-3.0, -1.0001, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 1.0001, 3.0])


def test_forward_is_sign_with_zero_mapped_to_plus_one():
    y, _ = forward_backward(Sign(), X)
    assert y.tolist() == [-1, -1, -1, -1, 1, 1, 1, 1, 1, 1]


def test_gradient_passes_where_abs_x_at_most_threshold():
    _, grad = forward_backward(Sign(), X)
    assert grad.tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 0, 0]
    _, grad = forward_backward(Sign(threshold=0.5), X)
    assert grad.tolist() == [0, 0, 0, 1, 1, 1, 1, 0, 0, 0]


def test_no_threshold_passes_the_gradient_everywhere():
    upstream = torch.arange(len(X), dtype=X.dtype) - 4
    _, grad = forward_backward(Sign(threshold=None), X, upstream)
    torch.testing.assert_close(grad, upstream)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_dtype_preserved_and_finite(dtype):
    info = torch.finfo(dtype)
    x = torch.tensor([info.max, -info.max, 0.0, info.tiny], dtype=dtype)
    y, grad = forward_backward(Sign(), x)
    assert y.dtype == grad.dtype == dtype
    assert y.tolist() == [1, -1, 1, 1] and grad.tolist() == [0, 0, 1, 1]


@pytest.mark.parametrize("threshold", [0, -1, float("nan"), float("inf"), "abc", True])
def test_bad_threshold_is_refused(threshold):
    with pytest.raises(ConfigValueError, match="threshold"):
        Sign(threshold)


def test_metadata():
    assert (Sign.name, Sign.bit_width) == ("sign", 1)
