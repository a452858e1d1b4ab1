"""The gates and one-call fast paths that make `cjk_mojibake`'s cost follow damage, not text
(issue 11, item 5; figures in docs/repair.md, "Cost proportional to damage"), each against
the plain definition it replaces."""

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.repair.cjk.lossy import read_utf8_run

# Pieces of real damage and of clean text: UTF-8 read as GBK (strict, lossy), clean Chinese of
# both scripts, punctuation, U+FFFD, characters GBK cannot encode, lone surrogates.
_RUN_PIECES = st.sampled_from([
    "鎴戜滑浠婂ぉ", "鍘诲寳浜", "銆�", "\ufffd", "涓", "囦", "中文", "國語", "，", "。", "的", "乎哉", "ÎÒ", "é", "€",
    "\u00b7", "😀", "\ud800", "ア", "한", "灞呭", "璐堢洤", "鏂版氮", "a", "1"])


def _read_utf8_run_plain(run: str) -> str | None:
    """The definition: each character's GBK bytes (U+FFFD dropped), read as UTF-8."""
    raw = bytearray()
    for c in run:
        if c == "\ufffd":
            continue
        try:
            raw += c.encode("gbk")
        except UnicodeEncodeError:
            return None
    return raw.decode("utf-8", "replace")


@settings(max_examples=600, deadline=None)
@given(st.lists(_RUN_PIECES, max_size=20).map("".join))
def test_run_read_in_one_call_is_the_per_character_reading(run):
    assert read_utf8_run(run) == _read_utf8_run_plain(run)


def _best_filler_plain(lead, trail, reading, marked_before, prev, nxt):
    """The definition: both pair costs of every candidate."""
    from cleanse.repair.cjk.edits import Slot
    from cleanse.repair.cjk.lost import candidates, prior
    from cleanse.repair.cjk.tuning import TUNING
    from cleanse.repair.model import model

    m = model()
    slot = Slot("", lead=lead, trail=trail, reading=reading, marked_before=marked_before)
    best = None
    base = TUNING.slot_cost + m.cost(prev, nxt)
    for c in candidates(slot):
        f = m.cost(prev, c) + TUNING.fill_penalty + m.cost(c, nxt) + prior(slot, c)
        if f < base and (best is None or f < best[0]):
            best = (f, c)
    return best


def _neighbours():
    """Neighbours that meet every rule of `model.context_ceiling` and many dictionary bigrams:
    common characters and candidates themselves, particles before ?/!, kana, Greek, Latin with
    and without diacritics, fullwidth forms, punctuation, digits."""
    from cleanse.repair.cjk.codes import gbk_table

    _, by_lead, by_trail = gbk_table()
    cands = sorted({c for cs in list(by_lead.values())[:40] + list(by_trail.values())[:40] for c in cs})
    return st.sampled_from(cands[::7] + list("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年乎哉也矣焉兮"
                                             "?!。，、：；“”《》！？ぷアΩжéǎaZ1１Ａ（）\u3000\ufffd"))


_SLOTS = st.one_of(
    st.tuples(st.integers(0x81, 0xFE), st.none(), st.none(), st.none()),                       # a lead whose partner was lost
    st.tuples(st.none(), st.integers(0x40, 0xFE), st.none(), st.none()),                       # an orphaned trail byte
    st.tuples(st.integers(0x81, 0xFE), st.integers(0x40, 0xFE), st.none(), st.none()),         # a second loss
    st.tuples(st.integers(0x81, 0xFE), st.none(), st.none(), st.integers(-1, 0xFE)),           # the decoder's `?`
    st.tuples(st.none(), st.none(), st.sampled_from(["bào", "shì", "zhōng", "le", "ma"]), st.none()),
    st.tuples(st.integers(0xB0, 0xD7), st.none(), st.sampled_from(["bào", "shì", "zhōng"]), st.none()))


@settings(max_examples=700, deadline=None)
@given(_SLOTS, _neighbours(), _neighbours())
def test_best_filler_is_the_plain_loop(slot, prev, nxt):
    from cleanse.repair.cjk.filler import best_filler

    assert best_filler(*slot, prev, nxt) == _best_filler_plain(*slot, prev, nxt)


# Runs of clean text of both scripts and of UTF-8 read as GBK (strict and lossy), glued.
_LONG_RUN_PIECES = st.sampled_from([
    "鎴戜滑浠婂ぉ鍘诲寳浜", "涓枃", "銆�", "\ufffd", "鏂版氮缃戝嚭", "灞呭", "中華民國的歷史", "我们今天去北京",
    "子曰學而時習之不亦說乎", "，", "。", "的", "乎哉", "芃芃黍苗", "é", "\u00b7", "😀", "ア", "갑", "锟斤拷", "囧"])


@settings(max_examples=800, deadline=None)
@given(st.lists(_LONG_RUN_PIECES, min_size=1, max_size=12).map("".join))
def test_too_lost_runs_have_no_span_within_the_lost_share(run):
    """The gates' claim on every span utf8_run_repairs tries (whole run, and per start)."""
    from cleanse.repair.cjk.lossy import T, ends_too_lost, too_lost

    n = len(run)
    for a in range(0, min(T.edge, n)):
        whole = ends_too_lost(_read_utf8_run_plain(run[a:]))
        for b in range(n, max(n - T.edge, a + T.min_run - 1), -1):
            after = _read_utf8_run_plain(run[a:b])
            if too_lost(run) or whole:
                assert after is not None
                assert after.count("\ufffd") > T.max_lost_share * len(after)


def test_too_lost_fires_on_clean_text_and_not_on_damage():
    from cleanse.repair.cjk.lossy import too_lost

    clean = "子曰學而時習之不亦說乎有朋自遠方來不亦樂乎人不知而不慍不亦君子乎" * 2
    assert too_lost(clean)
    assert not too_lost("我们今天去北京，看到了很多好东西。".encode("utf-8").decode("gbk", "replace"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_LONG_RUN_PIECES, st.sampled_from(["a", " ", "\n", "30%", "abc "])), max_size=16).map("".join))
def test_utf8_run_repairs_with_and_without_the_gate(text):
    from cleanse.repair.cjk import lossy
    from cleanse.repair.model import model

    gated = lossy.utf8_run_repairs(model(), text, 0, len(text))
    real = lossy.too_lost, lossy.ends_too_lost
    try:
        lossy.too_lost = lossy.ends_too_lost = lambda run: False
        plain = lossy.utf8_run_repairs(model(), text, 0, len(text))
    finally:
        lossy.too_lost, lossy.ends_too_lost = real
    assert gated == plain
