"""Re-encodings of a span: bytes of one codec read with another. Each is a named fix
(`REENCODINGS`, kind -> the codec the text was wrongly read with and the right one):
UTF-8 read as GBK, Big5 read as GBK and back, GBK/Big5 read as Latin-1 or cp1252. The repair
of text[i:j] is `text[i:j].encode(wrong).decode(right)` (`Reencoding.apply`, which replays a
repair record); `reencode_candidates` tries every sub-span around a cluster of suspects,
with a lower bound that rejects candidates `judge` would reject, unjudged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat
from operator import sub

from cleanse.repair.cjk import kinds
from cleanse.repair.cjk.codes import BYTE_LEN, ENCODED
from cleanse.repair.cjk.judge import min_gain
from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.memo import Memo
from cleanse.repair.model import Model


@dataclass(frozen=True)
class Reencoding:
    kind: str
    wrong: str  # the codec the bytes were wrongly decoded with
    right: str  # the codec they were written in

    def apply(self, text: str) -> str:
        """The repair: `text` back to its bytes, decoded right (raises when not possible)."""
        return text.encode(self.wrong).decode(self.right)


REENCODINGS = (
    Reencoding(kinds.UTF8_AS_GBK, "gbk", "utf-8"),
    Reencoding(kinds.BIG5_AS_GBK, "gbk", "big5"),
    Reencoding(kinds.GBK_AS_BIG5, "big5", "gbk"),
    Reencoding(kinds.GBK_AS_LATIN1, "latin-1", "gbk"),
    Reencoding(kinds.GBK_AS_CP1252, "cp1252", "gbk"),
    Reencoding(kinds.BIG5_AS_LATIN1, "latin-1", "big5"),
)
# Characters of a GBK/Big5 byte read as Latin-1 or cp1252.
LATIN = re.compile(r"[\x80-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")
# No Han character: CJK symbols read as other symbols (kaomoji `(*￣▽￣)`) are no repair.
_NO_HAN = re.compile("[^\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef]*")


class _Bounds:
    """Rejects re-encoding candidates that provably fail `judge` without judging them.
    Every character costs at least `min_cost`, so a candidate's cost has a lower bound that
    needs no pair lookup; the cost of the input span (orig) comes from prefix sums over the
    cluster's window text[a:b] (up to rounding: bound_slack). tests/repair/test_bounds.py."""

    __slots__ = ("a", "prefix", "link", "link_lower", "min_cost")

    def __init__(self, m: Model, text: str, a: int, b: int, first_end: int) -> None:
        pc, uc = m.pair_costs, m.unigram_costs
        self.min_cost = m.min_costs.__getitem__
        self.a = a
        prev = text[a - 1] if a > 0 else None
        acc = 0.0
        prefix = [0.0]  # prefix[k - a]: cost of text[a:k] after its left context
        for c in text[a:b]:
            acc += pc[c if prev is None else prev + c]
            prefix.append(acc)
            prev = c
        # For a span ending at j (first_end <= j <= b, first_end > a): the link of text[j-1]
        # to the right context text[j] in orig, and its lower bound for any candidate.
        link = [0.0] * (b - a + 1)
        link_lower = [0.0] * (b - a + 1)
        for j in range(max(a + 1, first_end), min(b + 1, len(text))):
            right = text[j]
            u = uc[right]
            link[j - a] = pc[text[j - 1] + right] - u
            link_lower[j - a] = self.min_cost(right) - u
        self.prefix, self.link, self.link_lower = prefix, link, link_lower

    def cannot_pass(self, text: str, i: int, j: int, n: int, char_lower: float) -> bool:
        """True when replacing text[i:j] by a candidate of n characters whose min_costs sum
        to char_lower (no slots, no bonus) fails `judge`."""
        if n == 0:
            return False
        return self.fails(text, i, j, n, char_lower + self.link_lower[j - self.a])

    def fails(self, text: str, i: int, j: int, n: int, lower: float) -> bool:
        """True when replacing text[i:j] by a candidate of n characters (no slots, no bonus)
        that costs at least `lower` with its link to the right context fails `judge`."""
        t = TUNING
        slack = t.bound_slack
        a = self.a
        if lower > (t.max_cand_mean + slack) * n:
            return True
        orig = self.prefix[j - a] - self.prefix[i - a] + self.link[j - a]
        gain = orig - lower
        return (gain < t.min_gain_letter - slack
                or (gain < t.min_gain - slack and gain < min_gain(text, i, j) - slack)
                or orig / (j - i) - lower / n < t.min_mean_drop - slack)


class _ExactCost:
    """Cost of dec[:k] after `left` with its link to a right context, as `judge.pieces_cost`
    adds it (pair costs in text order, then the link), for growing k."""

    __slots__ = ("pc", "uc", "dec", "prev", "sums")

    def __init__(self, m: Model, left: str | None, dec: str) -> None:
        self.pc, self.uc, self.dec = m.pair_costs, m.unigram_costs, dec
        self.prev = left
        self.sums: list[float] = []

    def cost(self, k: int, right: str | None) -> float:
        sums, dec, pc = self.sums, self.dec, self.pc
        while len(sums) < k:
            q = len(sums)
            c = dec[q]
            key = c if q == 0 and self.prev is None else (self.prev if q == 0 else dec[q - 1]) + c
            sums.append(pc[key] if q == 0 else sums[-1] + pc[key])
        total = sums[k - 1]
        if right is not None:
            total += pc[dec[k - 1] + right] - self.uc[right]
        return total


def reencode_candidates(text: str, cs: int, ce: int, lo: int, hi: int, m: Model | None = None):
    """(i, j, kind, [candidate]) for every sub-span text[i:j] around the cluster text[cs:ce]
    (±window, within text[lo:hi]) that re-encodes to something else (a CJK re-reading only
    when its result has a Han character). With the model `m`, candidates that provably fail
    `judge` (`_Bounds`) are left out."""
    a, b = max(lo, cs - TUNING.window), min(hi, ce + TUNING.window)
    bounds: _Bounds | None = None
    span = text[a:b]
    latin = bool(LATIN.search(span))
    han = bool(span) and max(span) >= "\u2e80"
    encoded: dict[str, list[bytes | None]] = {}  # per wrong codec (two kinds share each)
    for kind, wrong, right in ((r.kind, r.wrong, r.right) for r in REENCODINGS):
        if wrong in ("latin-1", "cp1252") and not latin:
            continue
        if wrong in ("gbk", "big5") and not han:
            continue
        # The codecs are stateless, so a span's bytes are its characters' bytes joined; a span
        # with a character the wrong codec cannot encode fails, so only the starts after the
        # last such character before cs and the ends before the first one from ce are tried.
        enc = encoded.get(wrong)
        if enc is None:
            enc = encoded[wrong] = list(map(ENCODED[wrong].__getitem__, span))
        if None in enc[cs - a:ce - a]:
            continue
        i0 = cs
        while i0 > a and enc[i0 - 1 - a] is not None:
            i0 -= 1
        j1 = ce
        while j1 < b and enc[j1 - a] is not None:
            j1 += 1
        if m is not None and (wrong, right) in ALIGNED and ALIGNED_GATE:
            if bounds is None:
                bounds = _Bounds(m, text, a, b, ce)
            if aligned_hopeless(m, text, cs, ce, i0, j1, bounds, ALIGNED[wrong, right]):
                continue
        # offs[x]: bytes of text[i0:i0 + x] in the wrong codec
        offs = [0, *accumulate(map(len, enc[i0 - a:j1 - a]))]  # type: ignore[arg-type]
        byte_len = BYTE_LEN[right]
        dead = dead_first_bytes(right)
        cjk_reading = kind in kinds.CJK_READINGS
        for i in range(i0, cs + 1):
            if enc[i - a][0] in dead:  # type: ignore[index]
                continue  # decodes to nothing: skip the decoding and its exception
            # One decoding per start: the span up to j decodes exactly when its bytes end on a
            # character boundary of this decoding before its first invalid sequence (the
            # codecs decode left to right; bytes ending inside a character are a truncated
            # span, and every span past an invalid sequence contains it).
            dec = decoded_prefix(b"".join(enc[i - a:j1 - a]), right)  # type: ignore[arg-type]
            if not dec:
                continue
            ends = dict(zip(accumulate(map(byte_len.__getitem__, dec)), range(1, len(dec) + 1)))
            lowers = None
            exact = None
            j0 = max(i + 1, ce)
            # k: characters of dec that text[i:j] re-encodes to (None: not a boundary)
            for j, k in zip(range(j0, j1 + 1), map(ends.get, map(sub, offs[j0 - i0:j1 - i0 + 1], repeat(offs[i - i0])))):
                if k is None:
                    continue
                cand = dec[:k]
                if cand == text[i:j]:
                    continue
                if m is not None:
                    if bounds is None:
                        bounds = _Bounds(m, text, a, b, ce)
                    if lowers is None:
                        lowers = list(accumulate(map(bounds.min_cost, dec)))
                    if bounds.cannot_pass(text, i, j, k, lowers[k - 1]):
                        continue
                    # The candidate's exact cost (`judge.pieces_cost`: the same pair costs
                    # added in the same order), prefix sums over dec grown as far as needed:
                    # on clean classical text and poetry ~9 of 10 candidates that pass the
                    # min_cost bound fail here, unjudged (docs/repair.md, "Speed").
                    if exact is None:
                        exact = _ExactCost(m, text[i - 1] if i > 0 else None, dec)
                    if bounds.fails(text, i, j, k, exact.cost(k, text[j] if j < len(text) else None)):
                        continue
                if cjk_reading and _NO_HAN.fullmatch(cand):
                    continue
                yield i, j, kind, [cand]


def _one_reading(wrong: str, right: str):
    def read(c: str) -> str | None:
        raw = ENCODED[wrong][c]
        if raw is None:
            return None
        got = raw.decode(right, "replace")
        return got if len(got) == 1 and got != "\ufffd" else None
    return read


# Big5 read as GBK and back: both codecs are one byte for ASCII and two for every other
# character, and a lead byte of either codec is read with exactly its trail byte by the other
# (or fails there), so a span's reading is its characters' own readings joined, up to the
# first character that has none. c -> that reading (one character) or None.
ALIGNED = {(w, r): Memo(_one_reading(w, r)) for w, r in (("gbk", "big5"), ("big5", "gbk"))}
ALIGNED_GATE = True  # tests/repair/test_cost_fast_paths.py turns it off for the oracle


def aligned_hopeless(m: Model, text: str, cs: int, ce: int, i0: int, j1: int, bounds: _Bounds,
                     read: Memo) -> bool:
    """True when no candidate of an aligned re-reading (`ALIGNED`) around the cluster
    text[cs:ce] can pass `_Bounds.fails` with its exact cost: then `reencode_candidates`
    would yield none of them, and the per-start decodings and per-end tests (~150 µs a
    cluster on clean poetry) are skipped. With the reading r of text[i0:j1] character by
    character, every candidate text[i:j] -> r[i:j] (i <= cs, j >= ce, r defined on [i, j))
    has gain orig - cand = X[j] - Y[i] and cand - c (j - i) = C[j] - D[i]: the three tests
    of `fails` (gain >= min_gain_letter, mean drop >= min_mean_drop, mean <= max_cand_mean)
    are each decided over all pairs by a maximum and a minimum (a pair that passes all three
    passes each). Sums come in another order than `judge`'s: the tests here allow twice
    bound_slack. Oracle: tests/repair/test_cost_fast_paths.py (the same candidates with the
    gate off; and the same repairs on the clean sample and damaged text). Measured (cjk_mojibake
    on the first 0.3 MB of a genre of benchmarks/repair_corpus.py, CPU s, best of 5
    interleaved rounds, gate off -> on, load 3): poetry_hans 0.419 -> 0.320, poetry_hant
    0.388 -> 0.319, classical_prose_hant 0.165 -> 0.141, yuanqu_hans 0.330 -> 0.274, reviews
    0.054 -> 0.045; on them every cluster that reaches this test is cleared by it."""
    t = TUNING
    slack = 2 * t.bound_slack
    q = ce - 1
    while q >= i0 and read[text[q]] is not None:
        q -= 1
    if q >= cs:
        return True  # a character of the cluster has no reading: every decoding stops before ce
    i_lo = q + 1
    e = ce
    while e < j1 and read[text[e]] is not None:
        e += 1
    pc, uc = m.pair_costs, m.unigram_costs
    a, prefix, link = bounds.a, bounds.prefix, bounds.link
    r = [read[c] for c in text[i_lo:e]]
    # acc[k]: pair costs of r[1..k] inside the reading (r[k-1] + r[k]), from i_lo
    acc = [0.0]
    for k in range(1, len(r)):
        acc.append(acc[-1] + pc[r[k - 1] + r[k]])
    n_text = len(text)
    drop, mean = t.min_mean_drop - slack, t.max_cand_mean + slack
    ymin = ydrop = float("inf")
    dmax = -float("inf")
    for i in range(i_lo, cs + 1):
        k = i - i_lo
        first = pc[text[i - 1] + r[k]] if i > 0 else pc[r[k]]
        # cand(i, j) = first - acc[k] + acc[j-1-i_lo] + L[j]; orig = prefix[j-a] - prefix[i-a] + link[j-a]
        yi = prefix[i - a] + first - acc[k]
        ymin = min(ymin, yi)
        ydrop = min(ydrop, yi - drop * i)
        dmax = max(dmax, acc[k] - first - mean * i)
    xmax = xdrop = -float("inf")
    cmin = float("inf")
    for j in range(ce, e + 1):
        k = j - 1 - i_lo
        lj = pc[r[k] + text[j]] - uc[text[j]] if j < n_text else 0.0
        cj = acc[k] + lj
        xj = prefix[j - a] + link[j - a] - cj
        xmax = max(xmax, xj)
        xdrop = max(xdrop, xj - drop * j)
        cmin = min(cmin, cj - mean * j)
    return (xmax - ymin < t.min_gain_letter - slack or xdrop < ydrop or cmin > dmax)


def decoded_prefix(raw: bytes, codec: str) -> str:
    """What `raw` decodes to before its first invalid (or truncated) sequence, without
    raising an exception (the common case for a wrong start): errors="replace" for codecs
    in which no valid sequence decodes to U+FFFD (checked for every one- and two-byte
    sequence in tests/repair/test_fastpaths.py), "surrogateescape" for UTF-8, whose valid
    sequences never decode to a lone surrogate."""
    if codec in NO_VALID_FFFD:
        return raw.decode(codec, "replace").partition("\ufffd")[0]
    if codec == "utf-8":
        dec = raw.decode(codec, "surrogateescape")
        bad = _ESCAPED_BYTE.search(dec)
        return dec if bad is None else dec[:bad.start()]
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        return raw[:exc.start].decode(codec)


NO_VALID_FFFD = frozenset({"gbk", "big5"})
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


@lru_cache(maxsize=None)
def dead_first_bytes(codec: str) -> frozenset[int]:
    """Bytes that no character of `codec` starts with: a byte string that begins with one
    fails to decode at its first byte (so `reencode_candidates` gets no candidate from it).
    Tried with every second byte, followed by continuation bytes for longer UTF-8 forms."""
    # All second bytes of one first byte in one decode, each try ended by a newline (never a
    # trail or continuation byte of these codecs, so it ends every try): a try fails at its
    # first byte exactly when its piece starts with U+FFFD (no valid sequence decodes to
    # U+FFFD here). A newline as the second byte is tried on its own.
    seconds = [t for t in range(256) if t != 0x0A]
    tries = bytearray(b"\n".join(bytes((0, t)) + b"\x80\x80" for t in seconds))  # 5 bytes a try

    def starts_a_character(b: int) -> bool:
        tries[0::5] = bytes((b,)) * len(seconds)
        if any(p[:1] != "\ufffd" for p in tries.decode(codec, "replace").split("\n")):
            return True
        return (bytes((b, 0x0A)) + b"\x80\x80").decode(codec, "replace")[:1] != "\ufffd"
    return frozenset(b for b in range(256) if not starts_a_character(b))


def warm_up() -> None:
    for r in REENCODINGS:
        dead_first_bytes(r.right)
