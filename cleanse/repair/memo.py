"""One bounded memo for the repair stages' per-character and per-pair tables."""

from __future__ import annotations

from typing import Callable, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict, Generic[K, V]):
    """key -> fn(key), computed on first use and cleared when it holds `limit` entries (the
    values are recomputed identically, so clearing changes nothing but time). A dict so that
    hot loops index it at C speed (`memo[c]`, `map(memo.__getitem__, text)`)."""

    __slots__ = ("fn", "limit")

    def __init__(self, fn: Callable[[K], V], limit: int = 200_000) -> None:
        super().__init__()
        self.fn = fn
        self.limit = limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self.limit:
            self.clear()
        got = self[key] = self.fn(key)
        return got
