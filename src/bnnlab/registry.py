"""A name -> class table, shared by quantizers and models (timm-style look-up by name)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from bnnlab.validation import one_of

T = TypeVar("T")


class Registry(Generic[T]):
    """Classes (or factories) of one kind, each under a unique name."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Decorator: make the decorated class available as ``registry.create(name)``."""

        def add(entry: Callable[..., T]) -> Callable[..., T]:
            if name in self._entries:
                raise ValueError(f"a {self.kind} named {name!r} is already registered")
            self._entries[name] = entry
            return entry

        return add

    def __getitem__(self, name: str) -> Callable[..., T]:
        return self._entries[one_of(self.kind, name, self._entries)]

    def create(self, name: str, **kwargs: Any) -> T:
        """A new instance of the entry ``name``, built with ``kwargs``."""
        return self[name](**kwargs)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries))
