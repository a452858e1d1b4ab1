"""The vectorised cluster resolution against the plain one (union-find, one pair at a time)."""

from __future__ import annotations

import numpy as np
import pytest

from cleanse.dedup.clusters import band_pairs, components, exact_pairs, resolve
from cleanse.dedup.minhash import estimate


class UnionFind:
    """Disjoint sets over 0..n-1 whose root is always the lowest-ranked member (the oracle)."""

    def __init__(self, rank: np.ndarray):
        self.parent = list(range(len(rank)))
        self.rank = rank

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if self.rank[rb] < self.rank[ra]:
                ra, rb = rb, ra
            self.parent[rb] = ra


def plain_pairs(keys: np.ndarray, rank: np.ndarray) -> set[tuple[int, int]]:
    """Every member of a bucket (key != 0) with the bucket's lowest-ranked member."""
    buckets: dict[object, list[int]] = {}
    for i, k in enumerate(keys.tolist()):
        if k != 0:
            buckets.setdefault(k, []).append(i)
    out = set()
    for members in buckets.values():
        first = min(members, key=lambda i: rank[i])
        out |= {(first, i) for i in members if i != first}
    return out


def plain_resolve(rank, exact, bands, sig, threshold):
    """The plain resolution: union exact pairs, verify the band candidates of other clusters."""
    n = len(rank)
    uf = UnionFind(rank)
    forms = [bytes(r) for r in exact]
    for a, b in plain_pairs(np.array([hash(f) % (1 << 62) + 1 for f in forms], np.int64), rank):
        if forms[a] == forms[b]:
            uf.union(a, b)
    cand = set()
    for band in range(bands.shape[1]):
        cand |= plain_pairs(bands[:, band], rank)
    for a, b in sorted(cand):
        if uf.find(a) != uf.find(b) and estimate(sig[a], sig[b]) >= threshold:
            uf.union(a, b)
    return np.array([uf.find(i) for i in range(n)])


@pytest.mark.parametrize("seed", range(8))
def test_resolve_equals_union_find_on_random_collisions(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    rank = rng.permutation(n)
    # Few distinct values: many exact groups, band buckets and chains across bands.
    exact = rng.integers(0, 3, size=(n, 16), dtype=np.uint8)
    exact[:, 2:] = 0
    bands = rng.integers(0, max(2, n // 3), size=(n, 6)).astype(np.uint64)
    sig = rng.integers(0, 4, size=(n, 16)).astype(np.uint32)
    res = resolve(rank, exact, bands, lambda o: sig[o], 0.3)
    assert (res.kept_as == plain_resolve(rank, exact, bands, sig, 0.3)).all()
    assert (rank[res.kept_as] <= rank).all()


def test_bucket_pairs_match_the_plain_ones():
    rng = np.random.default_rng(3)
    rank = rng.permutation(500)
    bands = rng.integers(0, 60, size=(500, 4)).astype(np.uint64)
    got = {tuple(p) for p in band_pairs(bands, rank).tolist()}
    want = set().union(*(plain_pairs(bands[:, b], rank) for b in range(4)))
    assert got == want
    exact = np.zeros((500, 16), np.uint8)
    exact[:, 0] = rng.integers(0, 50, 500)
    want = plain_pairs(exact[:, 0].astype(np.int64) + 1, rank)
    assert {tuple(p) for p in exact_pairs(exact, rank).tolist()} == want


def test_components_of_a_long_chain_and_no_pairs():
    n = 2000
    rank = np.arange(n)[::-1].copy()  # the last document ranks lowest
    chain = np.stack([np.arange(n - 1), np.arange(1, n)], axis=1)
    assert (components(rank, chain) == n - 1).all()
    assert (components(rank, np.zeros((0, 2), np.int64)) == np.arange(n)).all()
