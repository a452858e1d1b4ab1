"""Pinyin ruby residue: `領(lǐng)導(dǎo)` -> `領導`, `我(wǒ)們(men)` -> `我們`.

Flattening `<ruby>領<rp>(</rp><rt>lǐng</rt><rp>)</rp></ruby>` leaves a parenthesised
syllable after the character it annotates. A note with a tone mark is recognised when it is
one valid Mandarin syllable (checked against the pinyin table), so real parentheses
(`北京(Beijing)`, `(一)`, `(記者 馬雋)`) never match. A note without a tone mark (the neutral
tone: `的(de)`, `們(men)`) is residue only when it is a reading of the character it follows
and the text shows ruby residue around it (`toneless_runs`); `他(ta)说` alone is content.
The note is evidence of which character it annotates; `cjk_mojibake` (which runs first)
reads it to restore lost characters, this stage then removes what is left.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat

import numpy as np

from cleanse.normalization.normalize import table as normalization_table
from cleanse.repair.model import CANTONESE_CHARS, CANTONESE_COST, is_han, model, strip_tone
from cleanse.stage import TextEdit, TextStage

# Fewer runs of notes than this after Han characters in one text are glosses (content).
RESIDUE_MIN_RUNS = 3
GLOSS_MIN_COST = 4.5  # -log10 frequency of a character rare enough to be glossed (陂 4.8, 領 3.0)
# Annotated characters in a row with toneless notes, each a reading of its character: residue
# even without a tone mark anywhere (`toneless_runs`).
TONELESS_MIN_CHAIN = 3
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# One syllable: lowercase letters, ü and tone-marked vowels. Validated against the table.
_SYLLABLE = f"[a-zü{TONED}]{{1,6}}"
# Debris of a lost character with its note: `?(bào)`, or `?bào)` where the decoder swallowed
# the `(` together with the lost lead byte. The syllable must hold a tone mark (as
# `is_syllable` requires): `農(n?ng)` (a tone letter lost to `?`) is then no match at all.
DEBRIS_RE = re.compile(rf"[?？\ufffd][(（]?((?=[a-zü]{{0,5}}[{TONED}]){_SYLLABLE})[)）]")
# A note of plain letters (the neutral tone, or a page that drops tone marks): `的(de)`.
TONELESS_PRECHECK_RE = re.compile(r"[(（][a-zü]{1,6}[)）]")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef"
# A maximal run of syntactic notes after a Han character, and one note of it.
NOTE_RUN_RE = re.compile(rf"(?<=[{_HAN}])(?:[(（]{_SYLLABLE}[)）])+")
ONE_NOTE_RE = re.compile(rf"[(（]({_SYLLABLE})[)）]")
# Spaces `normalize_zh` removes around a note (plain, tab, NBSP, U+3000…: a class body of its table).
_NOTE_SPACE = " " + normalization_table()["spaces"]
# Cheap precheck: a tone-marked letter right after an opening parenthesis (or its debris), through spaces.
PRECHECK_RE = re.compile(rf"[(（?？\ufffd][{_NOTE_SPACE}]*[a-zü]{{0,5}}[{TONED}]")
# A note written loose, `強 (qiáng)`, `質( zhì )`, `? (bào)`: spaces between an annotated
# character (or a lost one's debris) and the note's parenthesis, or inside it. Where
# `normalize_zh` turns the brackets full width it removes those spaces (`强（qiáng）`), so the
# note is read as it will be written (`tighten_notes`); `LOOSE_PRECHECK_RE` finds a space
# beside a bracket.
LOOSE_NOTE_RE = re.compile(rf"(?<=[{_HAN}?？\ufffda-zA-Z])[{_NOTE_SPACE}]*([(（])[{_NOTE_SPACE}]*({_SYLLABLE})"
                           rf"[{_NOTE_SPACE}]*([)）])")
LOOSE_PRECHECK_RE = re.compile(rf"[{_NOTE_SPACE}][(（)）]|[(（][{_NOTE_SPACE}]")
# Cheaper one first: the code range of the tone letters (Latin-1 Supplement to Extended-B,
# tested on the UTF-16 code units with numpy, several times faster than a regex pass) and
# the few outside it.
_TONE_LO = min(ord(c) for c in TONED if c < "\u0250")
_TONE_HI = max(ord(c) for c in TONED if c < "\u0250")
_TONE_OUTLIERS = "".join(c for c in TONED if c >= "\u0250")


def may_have_tone_letter(text: str) -> bool:
    """False when `text` holds no tone-marked letter of TONED (True: it may). Short texts
    always may: numpy's fixed cost per call (~20 µs) is more than a regex pass over fewer
    than ~1,000 characters."""
    if len(text) < 1000 or any(c in text for c in _TONE_OUTLIERS):
        return True
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype="<u2")
    return bool(((units >= _TONE_LO) & (units <= _TONE_HI)).any())


@lru_cache(maxsize=1)
def toneless_syllables() -> frozenset[str]:
    return frozenset(strip_tone(r) for r in model().readings)


@lru_cache(maxsize=8192)
def is_syllable(s: str) -> bool:
    """One Mandarin syllable with a tone mark (`lǐng`), per the reading table."""
    return any(c in TONED for c in s) and strip_tone(s) in toneless_syllables()


def _trie_pattern(words: list[str], letter_class: dict[str, str]) -> str:
    """A regex matching exactly `words`, each letter widened to its class, as a trie (so that
    the engine does not try hundreds of alternatives at every position)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [("" if ch == "" else letter_class[ch] + emit(sub)) for ch, sub in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return emit(trie)


@lru_cache(maxsize=1)
def ruby_re() -> re.Pattern[str]:
    """One regex for what `strip_ruby` removes: a run of notes `(lǐng)(dǎo)` (a note is ( or （,
    a syllable, ) or ）; a run is one unit, for idempotence) right after a Han character or
    the debris of a lost one (`?`, U+FFFD, or an ASCII letter that was the trail byte of a GBK
    character), whose every syllable passes `is_syllable`.

    The syllable check is compiled in: the readings table as a trie, each letter widened to
    the tone-marked letters that `strip_tone` maps to it, with a lookahead for a tone mark.
    The run must not be followed by another (invalid) note, because a run of notes would
    include it and the whole run would be kept."""
    letters: dict[str, str] = {}
    for t in TONED + "ü":
        letters.setdefault(strip_tone(t), "")
        letters[strip_tone(t)] += t
    words = sorted(toneless_syllables())
    letter_class = {ch: (f"[{ch}{letters[ch]}]" if ch in letters else re.escape(ch))
                    for ch in {c for w in words for c in w}}
    syllable = f"(?=[a-zü]*[{TONED}]){_trie_pattern(words, letter_class)}"
    han = _HAN
    # Starts with the parenthesis (the engine then scans for it at C speed); the lookbehind
    # checks the annotated character before it. One group, for `re.split`.
    note = f"{syllable}[)）]"
    return re.compile(rf"([(（](?<=[{han}?？\ufffda-zA-Z][(（]){note}(?:[(（]{note})*(?![(（]{_SYLLABLE}[)）]))")


def strip_ruby(text: str) -> TextEdit:
    """Remove pinyin ruby notes that follow a Han character (or its debris)."""
    given = text
    toned = may_have_tone_letter(text) and PRECHECK_RE.search(text) is not None
    if toned and LOOSE_PRECHECK_RE.search(text):
        text = tighten_notes(text)
    if not toned and not TONELESS_PRECHECK_RE.search(text):
        return TextEdit(text)
    removed: list[tuple[str, str]] = []
    if toned and ("?" in text or "？" in text or "\ufffd" in text):
        text = remove_debris(text, removed)
    debris = bool(removed)
    parts = ruby_re().split(text) if toned else [text]  # kept text and removed runs, alternately
    if not debris and 1 < len(parts) < 2 * RESIDUE_MIN_RUNS + 1 and all(
            is_han(parts[k][-1]) and model().unigram_cost(parts[k][-1]) >= GLOSS_MIN_COST
            for k in range(0, len(parts) - 1, 2)):
        # One or two notes, each after a rare character: glosses that are content
        # (`陂(bēi)田` in an annotated classical text). Residue of flattened ruby markup
        # annotates common characters too, all over the page; a note after debris is residue.
        parts = [text]
        glossed = True
    else:
        glossed = False
    spans = toneless_runs(text, len(parts) // 2, glossed)
    if spans:
        kept = []
        last = 0
        for a, b in spans:
            kept.append(text[last:a])
            removed.append(("pinyin_ruby", text[a:b]))
            last = b
        text = "".join(kept) + text[last:]
        # The toneless runs never overlap the toned ones nor change their context
        # (`toneless_runs`), so the toned split of the shorter text is the same runs.
        parts = ruby_re().split(text) if len(parts) > 1 else [text]
    if not removed and len(parts) == 1:
        return TextEdit(text)
    removed.extend(zip(repeat("pinyin_ruby"), parts[1::2]))
    # A lost character's debris may sit between a character and its note, and a removal may
    # bring a note to a character (`領?(lǐng) (lǐng)`: the debris and its note go, and `領 (lǐng)`
    # is left): run to a fixpoint so that the stage is idempotent.
    again = "".join(parts[::2])
    if again != given:
        more = strip_ruby(again)  # prechecks first
        removed.extend(more.removed)
        again = more.text
    return TextEdit(again, removed=removed)


def tighten_notes(text: str) -> str:
    """The spaces around a loose note with a tone mark (`LOOSE_NOTE_RE`, its syllable passing
    `is_syllable`) removed where `normalize_zh` will remove them (`_joined_by_normalize`):
    `強 (qiáng)隊` -> `強(qiáng)隊`, which the rules then read as residue. Without it the note
    stayed, `normalize_zh` wrote it `强（qiáng）` and cleaning the cleaned text removed it (issue
    14 item 8). A note without a tone mark, or not a syllable, keeps its spaces, and so does
    one whose brackets stay ASCII (`word (lǐng) means`)."""
    def tight(m: re.Match[str]) -> str:
        if not is_syllable(m.group(2)) or not _joined_by_normalize(m):
            return m.group()
        return m.group(1) + m.group(2) + m.group(3)
    return LOOSE_NOTE_RE.sub(tight, text)


def _joined_by_normalize(m: re.Match[str]) -> bool:
    """Whether `normalize_zh` removes the spaces of the loose note `m` (its rules, for one
    syllable in brackets): it turns the pair full width when either bracket already is, or a
    Han character comes before the pair or after it (through spaces), and then drops spaces
    beside full-width brackets; a space after full-width punctuation goes too (`？ (`, and an
    ASCII `?` after Han, which becomes `？`)."""
    s, a, b = m.string, m.start(), m.end()
    before = s[a - 1]
    after = s[b:b + 2].lstrip(_NOTE_SPACE)[:1]
    return (m.group(1) == "（" or m.group(3) == "）" or is_han(before) or bool(after) and is_han(after)
            or before == "？" or before == "?" and a >= 2 and is_han(s[a - 2]))


@lru_cache(maxsize=4096)
def _readers(syllable: str) -> frozenset[str]:
    """Characters with this toneless reading (any tone, or the neutral one)."""
    return frozenset(model().readings_toneless.get(syllable, ""))


def toneless_runs(text: str, toned_runs: int, glossed: bool = False) -> list[tuple[int, int]]:
    """Spans of the runs of notes holding a note without a tone mark that are ruby residue.

    A run of notes after Han characters (`的(de)`, `先生(xiān)(sheng)`: the k notes of a run
    annotate the k characters before it) is a candidate when each toneless note is a reading
    of its character (in any tone: `個(ge)`) and each toned note passes `is_syllable`.
    Annotated characters in a row (each run starts right after the characters its notes
    annotate) form a chain. A candidate is residue when
    - the text holds `RESIDUE_MIN_RUNS` runs of toned notes that are removed (`toned_runs`:
      a page with ruby residue; its neutral tones are residue too), or
    - its chain holds a toned note (`我(wǒ)們(men)`, `先生(xiān)(sheng)`) and the toned notes
      are not kept as glosses (`glossed`: `陂(bēi)田(tian)` stays whole), or
    - its chain annotates `TONELESS_MIN_CHAIN` characters (`我(wo)的(de)書(shu)`).
    Otherwise it is kept: `他(ta)说`, `"的(de)"是助词`, `模型(model)` (no syllable),
    `(GDP)` (capitals). Removing runs only breaks chains and removes toned runs, so a second
    pass finds nothing new (idempotence)."""
    if not TONELESS_PRECHECK_RE.search(text):
        return []
    runs: list[tuple[int, int, int, str, bool]] = []  # start, end, notes, kind, holds a toned note
    for m in NOTE_RUN_RE.finditer(text):
        notes = ONE_NOTE_RE.findall(m.group())
        start = m.start()
        chars = text[start - len(notes):start] if len(notes) <= start else ""
        kinds = set()
        if len(chars) != len(notes) or not all(map(is_han, chars)):
            kinds.add("invalid")
        else:
            for c, s in zip(chars, notes):
                if any(t in TONED for t in s):
                    kinds.add("toned" if is_syllable(s) else "invalid")
                else:
                    kinds.add("toneless" if c in _readers(s) else "invalid")
        kind = "invalid" if "invalid" in kinds else "toneless" if "toneless" in kinds else "toned"
        runs.append((start, m.end(), len(notes), kind, "toned" in kinds))
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        j = i + 1
        if runs[i][3] != "invalid":
            while j < len(runs) and runs[j][3] != "invalid" and runs[j][0] - runs[j][2] == runs[j - 1][1]:
                j += 1
        chain = runs[i:j]
        if any(r[3] == "toneless" for r in chain) and (
                toned_runs >= RESIDUE_MIN_RUNS or not glossed and any(r[4] for r in chain)
                or sum(r[2] for r in chain) >= TONELESS_MIN_CHAIN):
            out.extend((r[0], r[1]) for r in chain if r[3] == "toneless")
        i = j
    return out


def remove_debris(text: str, removed: list[tuple[str, str]]) -> str:
    """Drop `?(bào)` / `?bào)`: a lost character (the `?`) and its note, when the restoration
    in `cjk_mojibake` could not pin the character down."""
    def drop(m: re.Match[str]) -> str:
        if not is_syllable(m.group(1)):
            return m.group()
        removed.append(("lost_char_debris", m.group()))
        return ""
    while True:  # removing one piece of debris can expose another (`??(lǐng)lǐng)`)
        new = DEBRIS_RE.sub(drop, text)
        if new == text:
            return text
        text = new


class PinyinRubyStage(TextStage):
    """Slot 5: remove the pinyin notes left by flattened `<ruby>` markup."""

    name = "pinyin_ruby"
    # 6: a removal that brings a note to a character is followed by another pass (idempotent);
    # 5: Cantonese characters are not rare to the model (cjk_mojibake 13), so a note after one is residue;
    # 4: a loose note (`強 (qiáng)`) is read as normalize_zh writes it (`tighten_notes`)
    version = "6"

    def config(self) -> dict:
        return {"residue_min_runs": RESIDUE_MIN_RUNS, "gloss_min_cost": GLOSS_MIN_COST,
                "toneless_min_chain": TONELESS_MIN_CHAIN,
                # the unigram costs that gloss_min_cost compares with (written Cantonese's characters)
                "model": {"cantonese_chars": CANTONESE_CHARS, "cantonese_cost": CANTONESE_COST}}

    def setup(self) -> None:
        toneless_syllables()
        ruby_re()

    def transform(self, text: str) -> TextEdit:
        return strip_ruby(text)
