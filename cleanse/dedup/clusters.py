"""From signatures to duplicate clusters, resolved deterministically.

Documents are numbered 0..n-1 and ranked by their identity key (source, segment): the rank,
not the order documents were seen in, decides which copy is kept, so every worker count,
executor and input order of the same files keeps the same documents.

1. Exact: documents with the same exact key (digest of the normalised form) are joined.
2. Near: for every LSH band, documents with the same band key are candidates; each is paired
   with the lowest-ranked member of its bucket (star edges: n-1 pairs per bucket, not n^2),
   and a pair is joined when the signature estimate of its Jaccard similarity reaches the
   threshold.
3. Connected components of the pairs are the clusters (`components`, vectorised); the lowest-ranked member of a cluster is kept,
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
    the bucket's lowest-ranked member. `keys` is one key per document (any sortable dtype).

    One unstable sort of the keys; only the members of buckets of two or more (few: most keys
    are unique) are then ordered by rank. 10M documents x 32 bands: see `resolve`."""
    if not len(keys):
        return np.zeros((0, 2), np.int64)
    order = np.argsort(keys)
    k = keys[order]
    same = k[1:] == k[:-1]
    member = np.zeros(len(k), bool)
    member[1:] = same
    member[:-1] |= same
    if skip_zero:
        member &= k != 0
    sub = order[member]
    if not len(sub):
        return np.zeros((0, 2), np.int64)
    sk = k[member]
    o = np.lexsort((rank[sub], sk))
    sub, sk = sub[o], sk[o]
    new = np.ones(len(sk), bool)
    new[1:] = sk[1:] != sk[:-1]
    first = sub[np.maximum.accumulate(np.where(new, np.arange(len(sk)), 0))]
    return np.stack([first[~new], sub[~new]], axis=1).astype(np.int64, copy=False)


def exact_pairs(exact: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Pairs of documents with equal exact keys (`exact`: an (n, 16) uint8 digest matrix)."""
    if len(exact) == 0:
        return np.zeros((0, 2), np.int64)
    words = np.ascontiguousarray(exact).view(np.uint64).reshape(len(exact), -1)
    order = np.lexsort(words.T[::-1])
    w = words[order]
    new = np.ones(len(w), bool)
    new[1:] = (w[1:] != w[:-1]).any(axis=1)
    label = np.empty(len(w), np.int64)
    label[order] = np.cumsum(new)
    return bucket_pairs(label, rank)


def band_pairs(bands: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Candidate pairs from (n, bands) band keys, de-duplicated, as (low, high) ordinals."""
    parts = [bucket_pairs(bands[:, b], rank) for b in range(bands.shape[1])]
    pairs = np.concatenate(parts) if parts else np.zeros((0, 2), np.int64)
    return unique_pairs(pairs, len(rank))


def unique_pairs(pairs: np.ndarray, n: int) -> np.ndarray:
    """`np.unique(pairs, axis=0)` for ordinals below n, as one int64 sort."""
    if not len(pairs):
        return pairs.reshape(0, 2).astype(np.int64)
    code = np.unique(pairs[:, 0].astype(np.int64) * n + pairs[:, 1])
    return np.stack([code // n, code % n], axis=1)


def components(rank: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """For every document the lowest-ranked member of its connected component under `pairs`
    (what union-find with the lowest-ranked root gives: the oracle of the tests), in numpy:
    documents renumbered by rank, then rounds of hooking every edge's higher root onto its
    lower one (`np.minimum.at`) and pointer jumping until every node points at its root.
    Roots only ever decrease, so no cycle forms; an edge inside one tree is dropped."""
    n = len(rank)
    by_rank = np.lexsort((np.arange(n), rank))
    rr = np.empty(n, np.int64)
    rr[by_rank] = np.arange(n)
    parent = np.arange(n, dtype=np.int64)
    pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
    a, b = rr[pairs[:, 0]], rr[pairs[:, 1]]
    while len(a):
        pa, pb = parent[a], parent[b]
        live = pa != pb
        a, b, pa, pb = a[live], b[live], pa[live], pb[live]
        if not len(a):
            break
        np.minimum.at(parent, np.maximum(pa, pb), np.minimum(pa, pb))
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
    return by_rank[parent[rr]]


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
    same = exact_pairs(exact, rank)
    roots = components(rank, same)
    if signatures is not None and n and (pairs is not None or bands is not None):
        cand = pairs if pairs is not None else band_pairs(bands, rank)
        # Pairs already joined as exact need no check.
        cand = cand[roots[cand[:, 0]] != roots[cand[:, 1]]] if len(cand) else cand
        if len(cand):
            need = np.unique(cand)
            sig = signatures(need)
            pos = np.searchsorted(need, cand)
            est = estimate(sig[pos[:, 0]], sig[pos[:, 1]])
            roots = components(rank, np.concatenate([same, cand[est >= threshold]]))
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
