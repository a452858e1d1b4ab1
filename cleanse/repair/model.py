"""Character plausibility model used to judge repair candidates.

A character bigram model with unigram back-off, built from jieba's word list (see
`data/README.md`). Counts were collected on Simplified words; Traditional text is scored by
mapping each character to Simplified first (OpenCC's character table), so the model judges
both scripts. The model only ranks candidates against the damaged input: it is never used to
rewrite text on its own.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache, partial
from pathlib import Path

from cleanse.repair.memo import Memo

DATA = Path(__file__).parent / "data"

# Interpolation weight of the bigram estimate (the rest is the unigram).
BIGRAM_WEIGHT = 0.7
# -log10 probability of characters the word list does not know, by class.
COST_UNKNOWN_HAN = 6.5
COST_SYMBOL = 7.5  # kana, Greek, Cyrillic, box drawing, private use, replacement char...
COST_ASCII = 2.5
# Common punctuation: rough -log10 frequency in Chinese prose.
PUNCT_COST = {c: 1.6 for c in "，。"}
PUNCT_COST.update({c: 2.2 for c in "、“”：；（）《》！？"})
PUNCT_COST.update({c: 2.8 for c in "‘’—…·「」『』【】〈〉―□○●"})  # ― U+2015: GBK's dash (A1AA);
# □ ○ ● mark missing or illegible characters in editions of classical texts
# Symbols of legal, government and technical text (GB2312 row 2 and row 1): Roman numerals
# Ⅰ-Ⅻ, circled and parenthesised numbers ①⑴⒈, ㈠-㈩.
LEGAL_SYMBOLS = "".join(map(chr, [*range(0x2160, 0x216C), *range(0x2170, 0x217C), *range(0x2460, 0x249C),
                                  *range(0x3220, 0x322A)]))
# The rest of GB2312 row 1 (A1A1-A1FE): symbols Chinese text uses (℃ ※ → ⊙ in ⊙o⊙), costed
# like rare punctuation; not its Latin-1 characters (¨ ± ° ¤ §), which GBK read as Latin-1
# is made of. In the identity of the stage via RULES_CONFIG.
ROW1_SYMBOLS = "ˉˇ〃々～‖〔〕〖〗∶∧∨∑∏∪∩∈∷√⊥∥∠⌒⊙∫∮≡≌≈∽∝≠≮≯≤≥∞∵∴♂♀′″℃＄￠￡‰№☆★◎◇◆■△▲※→←↑↓〓"
ROW1_COST = 3.5
PUNCT_COST.update({c: 3.0 for c in LEGAL_SYMBOLS})
PUNCT_COST.update({c: ROW1_COST for c in ROW1_SYMBOLS if c not in PUNCT_COST})
# An ASCII question mark is rare in Chinese prose and is what a decoder leaves for bytes it
# could not decode; U+FFFD is damage by definition.
PUNCT_COST.update({"?": 5.0, "!": 4.0, "\ufffd": 7.5})

# Evidence that text in another script, or classical usage, is real text (issue 11): each
# rule gives cost(b | a) a ceiling when a and b fit it. Rules are data (`RULES_CONFIG`).
RUN_COST = 1.0  # a letter after a letter of the same script (kana, Hangul, Cyrillic, Greek, fullwidth)
COST_FULLWIDTH = 3.0  # fullwidth forms ！-～ (０-９ Ａ-Ｚ: legal and government text writes numbers and names so)
LATIN_WORD_COST = 1.5  # a Latin letter with a diacritic next to an ASCII letter (pinyin Hànyǔ, café)
REDUP_P = 0.02  # P(c | c) at least, for a Han character: reduplication (芃芃, 瀼瀼, 硁硁) is common;
# any other repeated non-ASCII character costs RUN_COST (□□□ lacunae, ●●, ㄡㄡ)
PARTICLE_MARK_COST = 2.2  # ASCII ? or ! after a sentence-final particle is the question mark (乎哉?)
# Classical and Mandarin particles, then Cantonese (HKCanCor: `係咩?`, `貴吖?`, `呵?`, `啞?`) and
# the colloquial ones of Taiwan and Hong Kong writing (`喔`, `欸`, `咧`).
PARTICLES = ("乎哉耶邪歟欤與与也矣焉兮夫吗嗎呢么麼吧啊呀否耳"
             "咩吖呵啞唧囖嚹喎噃啫咋喳嘞喇啦㗎嘅咧嗱啩咓嘛哦喔噢欸誒嚟先添"
             "咦吓嗯唉哎")  # and interjections (`咦?`)
# Written Cantonese (issue 11): jieba's word list is Mandarin, so the everyday characters of
# Cantonese writing are unknown (COST_UNKNOWN_HAN) or rare to the model, and a clean Cantonese
# line reads as damage (`佢咁啱沖緊涼` -> `趨顔色沖緊涼`, `一萬蚊?` -> `一萬美`). Each gets at
# least the count of a character of cost CANTONESE_COST (a moderately common character, not a
# suspect: below TUNING.suspect_min_cost): pronouns and demonstratives, the aspect and
# structural particles, negation and the copula, everyday verbs and the sentence-final
# particles above. Not the ones GBK text read as Big5 is full of (撳 啋 啞 嘈 嗌 咭 喳 嬲: 0.01-0.05 %
# of such garbage), which would make that garbage plausible, nor 啫 氹, whose lower cost lets
# them crowd the candidates of a lost character in it (eval_cross_reading gbk_as_big5: 46 -> 43
# paragraphs exact in legal_hans and classical_prose_hans).
CANTONESE_CHARS = ("佢哋咗嘅喺嗰啲乜嘢冇唔係咁噉嚟諗攞搵揾畀俾啱睇晒埋咪嚿嘥攰瞓掂靚冚叻乸噏"
                   "咩吖呵唧囖嚹喎噃咋嘞㗎嗱啩咓誒吔嘩㩒揸摷睬𠝹餸嚡")
CANTONESE_COST = 4.0


def script_of(c: str) -> str:
    """Script class of a letter for the run rule ("" for Han, punctuation, ASCII...)."""
    o = ord(c)
    if 0x3041 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF:
        return "kana"
    if 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3131 <= o <= 0x318E:
        return "hangul"
    if 0x0400 <= o <= 0x04FF:
        return "cyrillic"
    if 0x0370 <= o <= 0x03FF:
        return "greek"
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return "fullwidth"
    return ""


def is_latin_diacritic(c: str) -> bool:
    o = ord(c)
    return (0xC0 <= o <= 0x24F and o not in (0xD7, 0xF7)) or 0x1E00 <= o <= 0x1EFF


def _ascii_letter(c: str) -> bool:
    return "a" <= c <= "z" or "A" <= c <= "Z"


def context_ceiling(a: str, b: str) -> float | None:
    """The ceiling the rules above put on cost(b | a), or None."""
    s = script_of(b)
    if s:
        return RUN_COST if script_of(a) == s else None
    if b in "?!":
        return PARTICLE_MARK_COST if a in PARTICLES else None
    if is_latin_diacritic(b):
        return LATIN_WORD_COST if _ascii_letter(a) else None
    if _ascii_letter(b):
        return LATIN_WORD_COST if is_latin_diacritic(a) else None
    if a == b and b >= "\x80":
        return -math.log10(REDUP_P) if is_han(b) else RUN_COST
    return None


def context_floor(c: str) -> float | None:
    """The lowest ceiling any left neighbour can give c (for `Model.min_cost`)."""
    if script_of(c):
        return RUN_COST
    if c in "?!":
        return PARTICLE_MARK_COST
    if is_latin_diacritic(c) or _ascii_letter(c):
        return LATIN_WORD_COST
    if c >= "\x80":
        return min(RUN_COST, -math.log10(REDUP_P))
    return None


# Constants of `Model._cost`, computed once (the same floats as written in the formula).
_REST = 1 - BIGRAM_WEIGHT
_LOG10_REST = math.log10(1 - BIGRAM_WEIGHT)
_REDUP_COST = -math.log10(REDUP_P)

RULES_CONFIG = {"run_cost": RUN_COST, "fullwidth": COST_FULLWIDTH, "legal_symbols": LEGAL_SYMBOLS,
                "row1_symbols": ROW1_SYMBOLS, "row1_cost": ROW1_COST, "latin_word": LATIN_WORD_COST,
                "redup_p": REDUP_P, "particle_mark": PARTICLE_MARK_COST, "particles": PARTICLES,
                "cantonese_chars": CANTONESE_CHARS, "cantonese_cost": CANTONESE_COST}


class Model:
    """Loaded tables. Use `model()` for the shared, lazily loaded instance."""

    def __init__(self) -> None:
        self.t2s: dict[str, str] = {}
        for line in (DATA / "t2s.tsv").read_text(encoding="utf-8").splitlines():
            t, s = line.split("\t")
            self.t2s[t] = s
        self.count: dict[str, int] = {}
        for line in (DATA / "chars.tsv").read_text(encoding="utf-8").splitlines():
            c, n = line.split("\t")
            self.count[c] = int(n)
        self.total = sum(self.count.values())
        self.log_total = math.log10(self.total)
        # Written Cantonese's everyday characters (CANTONESE_CHARS): at least the count of
        # cost CANTONESE_COST; the total stays that of the word list (other costs unchanged).
        floor = round(10.0 ** (self.log_total - CANTONESE_COST))
        for c in CANTONESE_CHARS:
            key = self.t2s.get(c, c)
            if self.count.get(key, 0) < floor:
                self.count[key] = floor
        self.bigram: dict[str, int] = {}
        for line in (DATA / "bigrams.tsv").read_text(encoding="utf-8").splitlines():
            first, rest = line.split("\t")
            for i in range(0, len(rest), 2):
                self.bigram[first + rest[i]] = ord(rest[i + 1]) - 97
        self.readings: dict[str, str] = {}
        for line in (DATA / "pinyin.tsv").read_text(encoding="utf-8").splitlines():
            r, cs = line.split("\t")
            self.readings[r] = cs
        # Toneless fallback (damaged notes sometimes lose or mangle the tone mark).
        self.readings_toneless: dict[str, str] = {}
        for r, cs in self.readings.items():
            bare = strip_tone(r)
            self.readings_toneless[bare] = self.readings_toneless.get(bare, "") + cs

        # Memo of cost(a, b) keyed by a + b (b alone without context): damaged documents
        # score the same pairs over and over. Hot loops index it directly
        # (`pair_costs[prev + c]`, no method call per character).
        self.pair_costs: Memo[str, float] = Memo(self._pair_cost, 1_000_000)
        self.unigram_costs: Memo[str, float] = Memo(self._unigram_cost)
        # Lower bounds of cost(·, c) over every left neighbour (`min_cost`), built lazily.
        self._min_costs: Memo[str, float] | None = None

    def unigram_cost(self, c: str) -> float:
        """-log10 P(c) (memoised)."""
        return self.unigram_costs[c]

    def _unigram_cost(self, c: str) -> float:
        n = self.count.get(self.t2s.get(c, c))
        if n:
            return self.log_total - math.log10(n)
        if c in PUNCT_COST:
            return PUNCT_COST[c]
        if c < "\x80":
            return COST_ASCII
        if "\uff01" <= c <= "\uff5e":
            return COST_FULLWIDTH
        if is_han(c):
            return COST_UNKNOWN_HAN
        return COST_SYMBOL

    def bigram_strength(self, a: str, b: str) -> int:
        """log2 of the dictionary count of the pair ab (after t2s), or -1 if unknown."""
        return self.bigram.get(self.t2s.get(a, a) + self.t2s.get(b, b), -1)

    def cost(self, a: str | None, b: str) -> float:
        """-log10 P(b | a), interpolated (memoised)."""
        return self.pair_costs[b if a is None else a + b]

    def _cost(self, a: str | None, b: str) -> float:
        u = self.unigram_cost(b)
        if a is None:
            return u
        k = self.bigram.get(self.t2s.get(a, a) + self.t2s.get(b, b))
        if k is None:
            got = u - math.log10(1 - BIGRAM_WEIGHT)
        else:
            na = self.count.get(self.t2s.get(a, a), 1)
            p_bi = min(1.0, (2.0 ** k) * 1.41 / na)
            got = -math.log10(BIGRAM_WEIGHT * p_bi + (1 - BIGRAM_WEIGHT) * 10.0 ** (-u))
        ceiling = context_ceiling(a, b)
        return got if ceiling is None or ceiling >= got else ceiling

    def _pair_cost(self, key: str) -> float:
        """cost(a, b) for the key a + b (b alone: no left context): `_cost` (the definition)
        with its lookups inlined and the rules of `context_ceiling` decided at once for a
        second character in U+4E00-U+9FFF (no script run, no ?/!, no Latin: only
        reduplication applies). Same operations in the same order, so the same float
        (oracle: tests/repair/test_cost_gates.py). Every memo miss of `pair_costs` comes
        here: ranking a lost character's ~190 candidates between new neighbours is mostly
        misses; on 1.08 MB of damaged 2 KB pages (`bench_pipeline.py --mix damaged`) the
        plain path was ~40 % of cjk_mojibake's profile (docs/repair.md, "Speed")."""
        if len(key) == 1:
            return self.unigram_costs[key]
        a = key[0]
        b = key[1]
        u = self.unigram_costs[b]
        t2s = self.t2s
        sa = t2s.get(a, a)
        k = self.bigram.get(sa + t2s.get(b, b))
        if k is None:
            got = u - _LOG10_REST
        else:
            p_bi = min(1.0, (2.0 ** k) * 1.41 / self.count.get(sa, 1))
            got = -math.log10(BIGRAM_WEIGHT * p_bi + _REST * 10.0 ** (-u))
        if "\u4e00" <= b <= "\u9fff":
            return got if a != b or _REDUP_COST >= got else _REDUP_COST
        ceiling = context_ceiling(a, b)
        return got if ceiling is None or ceiling >= got else ceiling

    def min_cost(self, c: str) -> float:
        """A lower bound of cost(a, c) over every left context a (None included): lets a
        candidate be rejected from its characters alone, before any pair is looked up.
        `min_costs` is the same as a mapping (sum(map(m.min_costs.__getitem__, text)))."""
        return self.min_costs[c]

    @property
    def min_costs(self) -> Memo[str, float]:
        if self._min_costs is None:
            # For each second character: the largest bigram estimate any first one gives.
            best: dict[str, float] = {}
            count = self.count
            for pair, k in self.bigram.items():
                p = min(1.0, (2.0 ** k) * 1.41 / count.get(pair[0], 1))
                if p > best.get(pair[1], 0.0):
                    best[pair[1]] = p
            self._min_costs = Memo(partial(_min_cost, self, best))
        return self._min_costs

    def span_cost(self, text: str, left: str | None = None, right: str | None = None) -> float:
        """Total -log10 probability of `text` between context characters `left` and `right`."""
        pc = self.pair_costs
        if not text:
            return pc[left + right] - self.unigram_costs[right] if left is not None and right is not None else 0.0
        total = 0.0
        prev = left
        if prev is None:
            prev = text[0]
            total += pc[prev]
            text = text[1:]
        for c in text:
            total += pc[prev + c]
            prev = c
        if right is not None:
            # Only the link to the right context, not the right character itself.
            total += pc[prev + right] - self.unigram_costs[right]
        return total

    def chars_for_reading(self, syllable: str) -> str:
        """Characters (GB2312 or Big5) with this pinyin reading, most frequent first."""
        got = self.readings.get(syllable)
        if got is None:
            got = self.readings_toneless.get(strip_tone(syllable), "")
        return got


def _min_cost(m: Model, best_bigram_p: dict[str, float], c: str) -> float:
    """A lower bound of cost(a, c) over every a (`Model.min_cost`)."""
    u = m.unigram_cost(c)
    p = best_bigram_p.get(m.t2s.get(c, c), 0.0)
    # cost() is decreasing in the bigram estimate (no bigram = estimate 0), and the
    # unigram alone is the cost without left context. Slack for rounding.
    got = min(u, -math.log10(BIGRAM_WEIGHT * p + (1 - BIGRAM_WEIGHT) * 10.0 ** (-u)))
    floor = context_floor(c)
    if floor is not None:
        got = min(got, floor)
    return got - 1e-9


def strip_tone(syllable: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))


def is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\U00020000" <= c <= "\U0002ebef"


@lru_cache(maxsize=1)
def model() -> Model:
    return Model()
