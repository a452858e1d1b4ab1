"""MinHash signatures over character n-grams, many documents per numpy call.

Chinese has no spaces, so the shingles are character n-grams of the normalised form
(`cleanse.dedup.normalize.dedup_form`). A batch of forms is encoded once to UTF-32 code
points; each n-gram is hashed with a polynomial over its code points and a 64-bit finaliser
(all shingles of the batch in a few vector operations), and permutation p maps a shingle hash
h to the high 32 bits of `a_p * h + b_p` (mod 2^64; multiply-shift hashing, `a_p` odd). The
signature of a document is the minimum per permutation over its shingles; the minimum over
a multiset equals the minimum over the set, so shingles are not de-duplicated first.

A text shorter than n characters is one shingle (itself). An empty form has no shingles and
no signature (`EMPTY`): it is never a near duplicate of anything.

Measured against rensa and datasketch in benchmarks/bench_minhash.py (see docs/dedup.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

EMPTY = np.uint32(0xFFFFFFFF)
_MASK64 = (1 << 64) - 1
# Shingle hash multiplier (a large odd 64-bit constant) and the splitmix64 finaliser constants.
_POLY = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
# Shingles per block of the (shingles x permutations) matrix: 16k x 128 x 8 bytes = 16 MiB.
_BLOCK = 16384


@dataclass(frozen=True)
class MinHashConfig:
    """Shingling and LSH parameters (part of the dedup phase's identity).

    `ngram`: characters per shingle. `bands` x `rows` = permutations. A pair of documents
    becomes a candidate when all `rows` values of at least one band agree (probability
    1 - (1 - J^rows)^bands for Jaccard similarity J), and a candidate is a duplicate when the
    signature estimate of J is at least `threshold`. Defaults measured on a planted corpus
    (docs/dedup.md).
    """

    ngram: int = 5
    bands: int = 32
    rows: int = 4
    threshold: float = 0.6
    seed: int = 42
    backend: str = "rensa"

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def config(self) -> dict[str, object]:
        return asdict(self)


def _mix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(30))
    h = h * _MIX1
    h = h ^ (h >> np.uint64(27))
    h = h * _MIX2
    return h ^ (h >> np.uint64(31))


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) coefficients of the permutations: `a` odd, both uint64."""
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.integers(0, 1 << 63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 1 << 63, size=num_perm, dtype=np.uint64) * np.uint64(2)
    return a, b


def shingle_hashes(forms: Sequence[str], ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every character n-gram of every form, and the row offsets: the
    hashes of form i are `h[offsets[i]:offsets[i + 1]]`. A form shorter than `ngram` has one
    shingle, itself; an empty form none."""
    lengths = np.fromiter((len(f) for f in forms), dtype=np.int64, count=len(forms))
    count = np.where(lengths >= ngram, lengths - ngram + 1, np.minimum(lengths, 1))
    offsets = np.zeros(len(forms) + 1, dtype=np.int64)
    np.cumsum(count, out=offsets[1:])
    if not offsets[-1]:
        return np.zeros(0, np.uint64), offsets
    cps = np.frombuffer("".join(forms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    total = len(cps)
    padded = np.concatenate([cps, np.zeros(ngram, np.uint64)])
    # The polynomial hash of the n-gram starting at every position of the concatenation
    # (contiguous slices: a few vector operations for the whole batch) ...
    h = np.zeros(total, dtype=np.uint64)
    for k in range(ngram):
        h = h * _POLY + padded[k:k + total] + np.uint64(k + 1)
    # ... of which the n-grams inside one form are kept.
    starts = np.cumsum(lengths) - lengths
    out = h[np.repeat(starts - offsets[:-1], count) + np.arange(int(offsets[-1]), dtype=np.int64)]
    for i in np.flatnonzero((lengths > 0) & (lengths < ngram)):
        # A short form: its whole text, hashed as an n-gram padded with code point 0.
        v = np.uint64(0)
        with np.errstate(over="ignore"):
            for k in range(ngram):
                c = np.uint64(ord(forms[i][k])) if k < lengths[i] else np.uint64(0)
                v = v * _POLY + c + np.uint64(k + 1)
        out[offsets[i]] = v
    return _mix(out), offsets


def signatures(forms: Sequence[str], cfg: MinHashConfig) -> np.ndarray:
    """A (len(forms), num_perm) uint32 matrix of MinHash signatures; empty forms get `EMPTY`.

    `cfg.backend` "rensa" (default): the shingle hashes go to rensa's Rust MinHash in one call
    per batch; "numpy": this module's multiply-shift permutations (the measured alternative,
    kept for the benchmark). They are different hash families: signatures of one backend are
    only comparable with signatures of the same backend (the backend is part of the config).
    """
    h, offsets = shingle_hashes(forms, cfg.ngram)
    if cfg.backend == "rensa":
        import rensa

        m = rensa.RMinHash.digest_matrix_from_flat_token_hashes(h, offsets.astype(np.uint64), cfg.num_perm, cfg.seed)
        out = np.array(m.to_rows(), dtype=np.uint32).reshape(len(forms), cfg.num_perm)
        out[offsets[1:] == offsets[:-1]] = EMPTY
        return out
    if cfg.backend != "numpy":
        raise ValueError(f"unknown MinHash backend {cfg.backend!r} (rensa or numpy)")
    a, b = permutations(cfg.num_perm, cfg.seed)
    out = np.full((len(forms), cfg.num_perm), EMPTY, dtype=np.uint32)
    owner = np.repeat(np.arange(len(forms), dtype=np.int64), np.diff(offsets))
    shift = np.uint64(32)
    for s in range(0, len(h), _BLOCK):
        hb, ob = h[s:s + _BLOCK], owner[s:s + _BLOCK]
        m = ((hb[:, None] * a[None, :] + b[None, :]) >> shift).astype(np.uint32)
        seg = np.concatenate([[0], np.flatnonzero(np.diff(ob)) + 1])
        red = np.minimum.reduceat(m, seg, axis=0)
        docs = ob[seg]
        out[docs] = np.minimum(out[docs], red)
    return out


def band_keys(sig: np.ndarray, cfg: MinHashConfig) -> np.ndarray:
    """(n, bands) uint64 keys, one per band of `rows` signature values (rows of `EMPTY` -> 0)."""
    n = sig.shape[0]
    keys = np.zeros((n, cfg.bands), dtype=np.uint64)
    s = sig.reshape(n, cfg.bands, cfg.rows).astype(np.uint64)
    for r in range(cfg.rows):
        keys = _mix(keys * _POLY + s[:, :, r] + np.uint64(r + 1))
    keys[(sig == EMPTY).all(axis=1)] = 0
    return keys


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity: the share of equal signature values (row-wise)."""
    return (sig_a == sig_b).mean(axis=-1)
