"""From signatures to duplicate clusters, resolved deterministically.

Documents are numbered 0..n-1 and ranked by their identity key (source, segment): the rank,
not the order documents were seen in, decides which copy is kept, so every worker count,
executor and input order of the same files keeps the same documents.

1. Exact: documents with the same exact key (digest of the normalised form) are joined.
2. Near: for every LSH band, documents with the same band key are candidates; each is paired
   with the lowest-ranked member of its bucket (star edges: n-1 pairs per bucket, not n^2),
   and a pair is joined when the signature estimate of its Jaccard similarity reaches the
   threshold.
3. Union-find joins the pairs into clusters; the lowest-ranked member of a cluster is kept,
   every other member is a duplicate of it: `exact` when its normalised form equals the kept
   one's, else `near` with the estimated similarity to the kept document.

Memory is a few arrays of n entries plus the candidate pairs (which grow with the number of
duplicates): nothing here ever sees a text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cleanse.dedup.minhash import estimate

KIND_KEPT, KIND_EXACT, KIND_NEAR = 0, 1, 2
KIND_NAMES = {KIND_EXACT: "exact", KIND_NEAR: "near"}


def bucket_pairs(keys: np.ndarray, rank: np.ndarray, skip_zero: bool = True) -> np.ndarray:
    """(m, 2) pairs (first, other) of documents sharing a key: each member of a bucket with
    the bucket's lowest-ranked member. `keys` is one key per document (any sortable dtype)."""
    order = np.lexsort((rank, keys))
    k = keys[order]
    new = np.ones(len(k), dtype=bool)
    new[1:] = k[1:] != k[:-1]
    first = order[np.maximum.accumulate(np.where(new, np.arange(len(k)), 0))]
    keep = ~new
    if skip_zero:
        keep &= k != 0
    return np.stack([first[keep], order[keep]], axis=1)


def exact_pairs(exact: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Pairs of documents with equal exact keys (`exact`: an (n, 16) uint8 digest matrix)."""
    if len(exact) == 0:
        return np.zeros((0, 2), np.int64)
    _, inverse = np.unique(exact.view(np.dtype((np.void, exact.shape[1]))).ravel(), return_inverse=True)
    return bucket_pairs(inverse.ravel().astype(np.int64) + 1, rank)


def band_pairs(bands: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Candidate pairs from (n, bands) band keys, de-duplicated, as (low, high) ordinals."""
    parts = [bucket_pairs(bands[:, b], rank) for b in range(bands.shape[1])]
    pairs = np.concatenate(parts) if parts else np.zeros((0, 2), np.int64)
    return np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(0, 2)


class UnionFind:
    """Disjoint sets over 0..n-1 whose root is always the lowest-ranked member."""

    def __init__(self, rank: np.ndarray):
        self.parent = np.arange(len(rank), dtype=np.int64)
        self.rank = rank

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:
            p[x], x = root, p[x]
        return int(root)

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if self.rank[rb] < self.rank[ra]:
                ra, rb = rb, ra
            self.parent[rb] = ra

    def roots(self) -> np.ndarray:
        return np.fromiter((self.find(i) for i in range(len(self.parent))), dtype=np.int64, count=len(self.parent))


@dataclass(slots=True)
class Resolution:
    """The outcome for n documents: `kept_as[i]` is the ordinal of the document kept for i
    (i itself when i is kept), `kind[i]` KIND_KEPT/EXACT/NEAR, `similarity[i]` the estimate
    against the kept document (1.0 for exact), `cluster_size[i]` the size of i's cluster."""

    kept_as: np.ndarray
    kind: np.ndarray
    similarity: np.ndarray
    cluster_size: np.ndarray

    @property
    def dropped(self) -> np.ndarray:
        return np.flatnonzero(self.kind != KIND_KEPT)


SignatureLookup = Callable[[np.ndarray], np.ndarray]


def resolve(rank: np.ndarray, exact: np.ndarray, bands: np.ndarray | None, signatures: SignatureLookup | None,
            threshold: float, pairs: np.ndarray | None = None) -> Resolution:
    """Clusters of exact and near duplicates. `signatures(ordinals)` returns the signature
    rows of the given (sorted) documents, so that the caller may keep them on disk;
    `signatures` None: exact duplicates only. `pairs`: the candidate pairs when grouped
    elsewhere (by Ray), else computed from `bands`."""
    n = len(rank)
    uf = UnionFind(rank)
    for a, b in exact_pairs(exact, rank):
        uf.union(int(a), int(b))
    if signatures is not None and n and (pairs is not None or bands is not None):
        cand = pairs if pairs is not None else band_pairs(bands, rank)
        # Pairs already joined as exact need no check.
        cand = cand[[uf.find(int(a)) != uf.find(int(b)) for a, b in cand]] if len(cand) else cand
        if len(cand):
            need = np.unique(cand)
            sig = signatures(need)
            pos = np.searchsorted(need, cand)
            est = estimate(sig[pos[:, 0]], sig[pos[:, 1]])
            for a, b in cand[est >= threshold]:
                uf.union(int(a), int(b))
    roots = uf.roots()
    kind = np.where(roots == np.arange(n), KIND_KEPT, KIND_NEAR).astype(np.int8)
    similarity = np.ones(n, dtype=np.float32)
    if n:
        same_form = (exact == exact[roots]).all(axis=1)
        kind[(kind == KIND_NEAR) & same_form] = KIND_EXACT
        near = np.flatnonzero(kind == KIND_NEAR)
        if len(near) and signatures is not None:
            need = np.unique(np.concatenate([near, roots[near]]))
            sig = signatures(need)
            similarity[near] = estimate(sig[np.searchsorted(need, near)], sig[np.searchsorted(need, roots[near])])
    size = np.bincount(roots, minlength=n)[roots] if n else np.zeros(0, np.int64)
    return Resolution(roots, kind, similarity, size)
