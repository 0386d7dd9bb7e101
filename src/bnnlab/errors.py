"""Errors raised for bad user input, before any work starts."""

from __future__ import annotations

from typing import Any


class ConfigValueError(ValueError):
    """A configuration value that is not allowed.

    ``key`` names the setting (``beta``, or ``quantizer.beta`` once the caller knows
    where the value came from), ``value`` is what was given and ``allowed`` says what
    would have been accepted.
    """

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key}={value!r} is not allowed: {key} must be {allowed}")

    def under(self, prefix: str) -> ConfigValueError:
        """The same error, its key qualified by the config node it came from."""
        return ConfigValueError(f"{prefix}.{self.key}", self.value, self.allowed)
