"""Quantizers by name."""

from __future__ import annotations

import pytest

from bnnlab.errors import ConfigValueError
from bnnlab.quantizers import QUANTIZERS, Quantizer, SwishSign, get_quantizer, register_quantizer


def test_every_quantizer_is_registered_under_its_name():
    assert list(QUANTIZERS) == ["approxsign", "fp", "sign", "swishsign"]
    for name in QUANTIZERS:
        quantizer = get_quantizer(name)
        assert isinstance(quantizer, Quantizer) and quantizer.name == name


def test_arguments_reach_the_constructor():
    quantizer = get_quantizer("swishsign", beta=10)
    assert isinstance(quantizer, SwishSign) and quantizer.beta == 10.0


def test_unknown_name_lists_the_choices():
    with pytest.raises(ConfigValueError, match=r"'nosuch'.*\['approxsign', 'fp', 'sign'"):
        get_quantizer("nosuch")


def test_a_name_is_registered_once():
    with pytest.raises(ValueError, match="already registered"):
        register_quantizer(SwishSign)
