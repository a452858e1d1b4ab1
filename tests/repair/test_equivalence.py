"""cjk_mojibake's fast paths give the same results as the plain definitions (kept here as
oracles): lost-character resolution (most-confident-first over all slots, which was quadratic:
every undecided slot was re-ranked after each decision, 15 s for one 10M-character line) and
the re-encoding candidates (every sub-span encoded and decoded whole)."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.repair.model import is_han, model
from cleanse.repair.cjk import kinds, repair_mojibake
from cleanse.repair.cjk.edits import Slot
from cleanse.repair.cjk.lost import LOST_PUNCT, _simplified_only, candidates, prior, resolve
from cleanse.repair.cjk.reencode import LATIN, REENCODINGS, reencode_candidates
from cleanse.repair.cjk.tuning import TUNING

GUESS_MARGIN, GUESS_MIN_BIGRAM, WINDOW = TUNING.guess_margin, TUNING.guess_min_bigram, TUNING.window


def resolve_reference(seq: list, notes: dict[str, set[str]]) -> dict[int, str | None]:
    """The original algorithm (oracle): rank every undecided slot with its current
    neighbours, decide the most confident (lowest index on ties), repeat."""
    m = model()
    decided: dict[int, str | None] = {}
    slots = [k for k, x in enumerate(seq) if isinstance(x, Slot)]

    def neighbour(k: int, step: int) -> str | None:
        k += step
        while 0 <= k < len(seq):
            x = seq[k]
            if isinstance(x, Slot):
                if decided.get(k) is not None:
                    return decided[k]
                k += step
                continue
            return x
        return None

    traditional = any(m.t2s.get(x, x) != x for x in seq if isinstance(x, str))
    simplified_only = _simplified_only()
    while len(decided) < len(slots):
        best = None
        for k in slots:
            if k in decided:
                continue
            slot = seq[k]
            left, right = neighbour(k, -1), neighbour(k, 1)
            scored = []
            for c in candidates(slot):
                if not ((m.t2s.get(c, c) == c) if not traditional else c not in simplified_only):
                    continue
                cost = m.cost(left, c) + prior(slot, c)
                if right is not None:
                    cost += m.cost(c, right) - m.unigram_cost(right)
                noted = slot.reading is not None and c in notes.get(slot.reading, ())
                if noted:
                    cost -= 1.0
                backed = (noted or c in LOST_PUNCT
                          or (left is not None and m.bigram_strength(left, c) >= GUESS_MIN_BIGRAM)
                          or (right is not None and m.bigram_strength(c, right) >= GUESS_MIN_BIGRAM))
                scored.append((cost, c, backed))
            scored.sort()
            ok = bool(scored) and scored[0][2] and (len(scored) == 1 or scored[1][0] - scored[0][0] >= GUESS_MARGIN)
            margin = (scored[1][0] - scored[0][0]) if len(scored) > 1 else 9.0
            key = (ok, margin if ok else 0.0)
            if best is None or key > best[0]:
                best = (key, k, scored[0][1] if ok else None)
        decided[best[1]] = best[2]
    return decided


_CHARS = "日報領導發展現代我市經濟人民政府工作會議中國科技的了是在有和"
_READINGS = ["bào", "lǐng", "dǎo", "xiàn", "shì", "zhǎn", "jīng", "de", "rén"]
_LEADS = [c.encode("gbk")[0] for c in "報領導發展現代經濟人民工作"]


def random_seq(rng: random.Random, n: int, run_p: float) -> list:
    seq: list = []
    while len(seq) < n:
        if rng.random() < 0.25:
            run = 1 + (rng.randrange(6) if rng.random() < run_p else 0)  # adjacent slots
            for _ in range(run):
                kind = rng.randrange(4)
                if kind == 0:
                    seq.append(Slot("?", reading=rng.choice(_READINGS)))
                elif kind == 1:
                    seq.append(Slot("?", lead=rng.choice(_LEADS), marked_before=rng.choice([-1, 0xB1, 0x41])))
                elif kind == 2:
                    seq.append(Slot("x", trail=rng.choice(_LEADS)))
                else:
                    seq.append(Slot("", lead=rng.choice(_LEADS), trail=rng.choice(_LEADS)))
        else:
            seq.append(rng.choice(_CHARS))
    return seq


def test_resolve_matches_reference():
    rng = random.Random(11)
    notes = {"bào": {"報"}, "xiàn": {"現"}}
    for trial in range(30):
        seq = random_seq(rng, rng.randrange(5, 80), run_p=0.5)
        assert resolve(seq, notes) == resolve_reference(seq, notes), trial


def test_resolve_work_is_linear():
    """Rankings computed per slot stay bounded as the text grows (the old loop ranked every
    undecided slot after each decision: work grew with the square of the slot count)."""
    rng = random.Random(5)
    per_slot = []
    for n in (1_000, 8_000):
        seq = random_seq(rng, n, run_p=0.3)
        work: list[int] = []
        resolve(seq, {}, work=work)
        n_slots = sum(isinstance(x, Slot) for x in seq)
        per_slot.append(len(work) / n_slots)
    assert per_slot[1] < 3.0 and per_slot[1] < per_slot[0] * 1.5, per_slot


def test_long_line_same_as_short_lines():
    """One long line of debris decides each slot like the short lines do (runs are independent)."""
    line = "朝陽日?(bào)社論，領(lǐng)導(dǎo)講話。"
    short = repair_mojibake(line).text
    long = repair_mojibake(line * 3000)
    assert long.text == short * 3000


def reencode_reference(text: str, cs: int, ce: int, lo: int, hi: int):
    span = text[max(lo, cs - WINDOW):min(hi, ce + WINDOW)]
    latin = bool(LATIN.search(span))
    han = any(c >= "\u2e80" for c in span)
    for kind, wrong, right in ((r.kind, r.wrong, r.right) for r in REENCODINGS):
        if wrong in ("latin-1", "cp1252") and not latin:
            continue
        if wrong in ("gbk", "big5") and not han:
            continue
        for i in range(max(lo, cs - WINDOW), cs + 1):
            for j in range(ce, min(hi, ce + WINDOW) + 1):
                if j <= i:
                    continue
                try:
                    cand = text[i:j].encode(wrong).decode(right)
                except (UnicodeEncodeError, UnicodeDecodeError):
                    continue
                if cand == text[i:j]:
                    continue
                if kind in kinds.CJK_READINGS and not any(is_han(c) for c in cand):
                    continue  # a CJK re-reading with no Han character is no repair (kaomoji)
                yield i, j, kind, [cand]


def _damaged_pieces() -> list[str]:
    words = ["中文", "測試", "报告", "發展", "现代", "ab", "é", "Ã", "¤", "ä¸", "\x80", "€", "™", "‰", "?", " ", "，"]
    for w in ["中文", "報告", "发展"]:
        for right, wrong in (("utf-8", "gbk"), ("gbk", "latin-1"), ("gbk", "cp1252"), ("gbk", "big5"), ("big5", "gbk")):
            try:
                words.append(w.encode(right).decode(wrong, "replace"))
            except (UnicodeEncodeError, LookupError):
                pass
    return words


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_damaged_pieces()), min_size=1, max_size=12).map("".join), st.data())
def test_reencode_candidates_match_reference(text, data):
    cs = data.draw(st.integers(0, len(text) - 1))
    ce = data.draw(st.integers(cs + 1, len(text)))
    assert list(reencode_candidates(text, cs, ce, 0, len(text))) == list(reencode_reference(text, cs, ce, 0, len(text)))


def suspects_with_noted_letters(text: str) -> list[tuple[int, int]]:
    """The suspects other than a lone letter after a Han character, by two regex passes (the
    one-pass scan of cjk/suspects.py is checked against this in test_bounds.py)."""
    import re

    from cleanse.repair.cjk.suspects import LETTER_NOTE_AHEAD, scan_hits

    got = scan_hits(text)
    if "(" in text or "（" in text:
        letters = [(mt.start(), mt.start() + 1) for mt in re.finditer(rf"[A-Za-z]{LETTER_NOTE_AHEAD}", text)]
        if letters:
            got = sorted(got + letters)
    return got


def suspects_reference(text: str):
    """The suspect scan as first written: one class, notes found by looking back."""
    import re

    from cleanse.repair.cjk.suspects import suspect_re
    from cleanse.repair.pinyin import TONED

    note_before = re.compile(rf"[(（]([a-zü{TONED}]{{1,6}})[)）]")
    n = len(text)
    skip_to = -1
    for mt in suspect_re().finditer(text):
        p = mt.start()
        if p < skip_to:
            continue
        c = text[p]
        if c in "?!\ufffd":
            nxt = text[p + 1] if p + 1 < n else ""
            prv = text[p - 1] if p > 0 else ""
            if (nxt and nxt >= "\x80") or (c != "!" and prv >= "\x80" and prv):
                yield p, p + 1
            continue
        if c in TONED or c == "ü":
            k = max(text.rfind("(", max(0, p - 6), p), text.rfind("（", max(0, p - 6), p))
            note = note_before.match(text, k) if k >= 0 else None
            if note is not None and note.end() > p:
                skip_to = note.end()
                if k > 0 and text[k - 1].isascii() and text[k - 1].isalpha():
                    yield k - 1, k
                continue
        yield p, p + 1


_scan_pieces = st.sampled_from(["(", ")", "（", "）", "lǐng", "lü", "ü", "ǎ", "bao", "zhuàngg", "g", "A", "領", "髽",
                                "ㄔ", "?", "!", "\ufffd", " ", "1", "。", "(shì)", "x(bà)", "(abc)", "é"])


@settings(max_examples=600, deadline=None)
@given(st.lists(_scan_pieces, max_size=25).map("".join))
def test_suspect_scan_matches_reference(text):
    assert list(suspects_with_noted_letters(text)) == list(suspects_reference(text))
